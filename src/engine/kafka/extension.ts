// How client-side and broker-side features plug into a cluster without the
// cluster core knowing them: consumer groups (the group coordinator and
// consumers), the producer client, and whatever comes next.

import type { Engine } from "../world/engine.ts";
import type { ActorKind, InputHandler, SimInput } from "../world/types.ts";
import type { BrokerModule, ClusterContext } from "./context.ts";
import type { TopicSpec } from "./spec.ts";

export interface ClusterExtension {
  readonly name: string;
  readonly kinds?: readonly ActorKind[];
  readonly inputs?: Readonly<Record<string, InputHandler>>;
  readonly describeInput?: Readonly<Record<string, (input: SimInput) => string>>;
  readonly brokerModules?: readonly BrokerModule[];
  /** Topics the feature needs from the start (e.g. __consumer_offsets), added before the cluster boots. */
  extraTopics?(ctx: ClusterContext): TopicSpec[];
  /** Spawns the feature's actors once the cluster is up (time 0). */
  populate?(engine: Engine, ctx: ClusterContext): void;
}

/** Builds an extension for a context: extensions are created per simulation. */
export type ClusterExtensionFactory = (ctx: ClusterContext) => ClusterExtension;
