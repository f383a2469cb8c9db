// The KRaft control plane: a Raft quorum of controllers ("c1".."c5") whose
// leader is the active controller, with brokers as observers of the
// `__cluster_metadata` log. See CONTEXT.md.

export { createKraftControlPlane, activeController, raftLeader, RECENT_RECORDS } from "./kraftControlPlane.ts";
export {
  CONTROLLER_KIND,
  controllerData,
  raftStateOf,
  type ControllerData,
  type LeaderData,
} from "./controllerKind.ts";
export type { LogEntry, MetadataRecord } from "./records.ts";
export type { BrokerKraftState } from "./brokerSide.ts";
