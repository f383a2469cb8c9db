// What the cluster's pieces share inside one simulation: the resolved spec,
// the control plane in use, and the broker modules (the group coordinator,
// the transaction coordinator…) that run inside every broker process.

import type { Engine } from "../world/engine.ts";
import type { ActorRecord, SimEvent } from "../world/types.ts";
import type { ControlPlane } from "./controlPlane.ts";
import type { MetadataChange } from "./metadata.ts";
import type { ClusterSpec } from "./spec.ts";

/**
 * A piece of broker-side logic that is not replication: it receives the
 * events whose type starts with one of its prefixes, keeps its state in
 * `broker.data.modules[name]` (plain JSON data, lost on a crash like all
 * process memory), and hears about metadata changes, e.g. to notice that this
 * broker now leads a partition of __consumer_offsets.
 */
export interface BrokerModule {
  readonly name: string;
  readonly prefixes: readonly string[];
  handle(engine: Engine, broker: ActorRecord, event: SimEvent): void;
  /** After the broker applied metadata (its roles are already updated). */
  onMetadata?(engine: Engine, broker: ActorRecord, changes: readonly MetadataChange[]): void;
  /** After the broker's HW moved on a partition it leads (e.g. offset commits become durable). */
  onHighWatermark?(engine: Engine, broker: ActorRecord, topic: string, partition: number): void;
}

export interface ClusterContext {
  readonly spec: ClusterSpec;
  controlPlane: ControlPlane;
  readonly brokerModules: BrokerModule[];
}
