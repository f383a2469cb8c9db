// Metadata requests from clients: which broker leads each partition, as this
// broker's cache has it. Clients learn about leader changes only this way.

import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import { NO_LEADER } from "../metadata.ts";
import type { BrokerData } from "./brokerData.ts";

export interface MetadataRequest extends SimEvent {
  type: "Metadata";
  from: string;
  requestId: number;
  /** Topics asked about; empty means all. */
  topics: string[];
}

export interface MetadataResponsePartition {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  error: "NONE" | "LEADER_NOT_AVAILABLE";
}

export interface MetadataResponse extends SimEvent {
  type: "MetadataResponse";
  requestId: number;
  broker: number;
  /** Live brokers as this broker's cache knows them. */
  brokers: number[];
  controllerId: string | null;
  topics: { name: string; error: "NONE" | "UNKNOWN_TOPIC_OR_PARTITION"; partitions: MetadataResponsePartition[] }[];
}

export function handleMetadataRequest(engine: Engine, actor: ActorRecord, req: MetadataRequest): void {
  const d = actor.data as BrokerData;
  const image = d.image;
  const names = req.topics.length > 0 ? req.topics : Object.keys(image.topics).sort();
  const topics = names.map((name) => {
    const t = image.topics[name];
    if (!t) return { name, error: "UNKNOWN_TOPIC_OR_PARTITION" as const, partitions: [] };
    const partitions: MetadataResponsePartition[] = [];
    for (let p = 0; p < t.numPartitions; p++) {
      const st = image.partitions[`${name}-${p}`];
      if (!st) continue;
      partitions.push({
        partition: p,
        leader: st.leader,
        leaderEpoch: st.leaderEpoch,
        replicas: [...st.replicas],
        isr: [...st.isr],
        error: st.leader === NO_LEADER ? "LEADER_NOT_AVAILABLE" : "NONE",
      });
    }
    return { name, error: "NONE" as const, partitions };
  });
  const brokers = Object.values(image.brokers)
    .filter((b) => !b.fenced)
    .map((b) => b.id)
    .sort((a, b) => a - b);
  const response: MetadataResponse = {
    type: "MetadataResponse",
    requestId: req.requestId,
    broker: d.brokerId,
    brokers,
    controllerId: image.controllerId,
    topics,
  };
  engine.send(actor.id, req.from, response);
}
