// The controller panel's view of ZooKeeper mode: what ZooKeeper holds (the
// truth the controller acts on), the ensemble and the sessions.

import type { Engine } from "../../world/engine.ts";
import type { ControlPlaneView, ZookeeperDetail } from "../controlPlane.ts";
import { brokerActorId } from "../ids.ts";
import type { PartitionState } from "../metadata.ts";
import { effectiveTopicConfig } from "../spec.ts";
import { zkOf } from "./brokerZk.ts";
import { ensembleStatus, isUpNow } from "./quorum.ts";
import { childrenOf, controllerEpochOf, controllerHolder, readData, zkStore } from "./store.ts";
import { baseName, comparePaths, decodeAssignment, decodeState, decodeTopicConfig, ZK_PATHS } from "./znodes.ts";

export function describeZookeeper(engine: Engine): ControlPlaneView {
  const store = zkStore(engine);
  const status = ensembleStatus(engine, store.ensemble, store.leader);
  const holder = controllerHolder(store);
  const registered = new Map<number, number>();
  for (const n of childrenOf(store, ZK_PATHS.brokerIds)) registered.set(Number(baseName(n.path)), n.czxid);

  const active = holder !== null && engine.hasActor(brokerActorId(holder)) ? engine.actor(brokerActorId(holder)) : null;
  const ctx = active ? zkOf(active)?.controller : undefined;
  const shuttingDown = ctx?.shuttingDown ?? [];

  const topics: ControlPlaneView["topics"][number][] = [];
  const partitions: PartitionState[] = [];
  for (const t of childrenOf(store, ZK_PATHS.topics)) {
    const name = baseName(t.path);
    const { replicas } = decodeAssignment(t.data);
    topics.push({
      name,
      numPartitions: replicas.length,
      config: effectiveTopicConfig(store, decodeTopicConfig(readData(store, ZK_PATHS.configTopic(name)))),
    });
    replicas.forEach((r, p) => {
      const node = store.nodes[ZK_PATHS.partitionState(name, p)];
      if (!node) return; // not created yet (NewPartition)
      const s = decodeState(node.data);
      partitions.push({
        topic: name,
        partition: p,
        replicas: r,
        isr: s.isr.slice(),
        leader: s.leader,
        leaderEpoch: s.leaderEpoch,
        partitionEpoch: node.version,
        leaderRecoveryState: s.recovery,
      });
    });
  }

  const ids = new Set<number>(registered.keys());
  for (let id = 1; id <= store.brokers; id++) ids.add(id);
  const brokers = [...ids]
    .sort((a, b) => a - b)
    .map((id) => ({
      id,
      fenced: !registered.has(id),
      inControlledShutdown: shuttingDown.includes(id),
      epoch: registered.get(id) ?? -1,
    }));

  const detail: ZookeeperDetail = {
    kind: "zookeeper",
    ensemble: store.ensemble.map((s) => ({
      actorId: s,
      alive: isUpNow(engine, s),
      serving: status.serving[s] === true,
    })),
    sessions: store.sessions.map((s) => ({
      sessionId: s.id,
      ownerBrokerId: s.owner,
      expiresAtMs: s.lastHeardMs + s.timeoutMs,
    })),
    znodes: Object.keys(store.nodes)
      .sort(comparePaths)
      .map((p) => ({ path: p, data: store.nodes[p].data, ephemeralOwner: store.nodes[p].ephemeralOwner })),
  };

  return {
    mode: "zookeeper",
    activeControllerId: holder === null ? null : brokerActorId(holder),
    controllerEpoch: controllerEpochOf(store),
    partitions,
    brokers,
    topics,
    detail,
    uncleanElections: store.uncleanElections.slice(),
  };
}
