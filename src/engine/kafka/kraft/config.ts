// What every part of the KRaft module shares within one world: the quorum's
// members, the brokers, the timings. Kept in world.data so it is checkpointed
// with the world (the ControlPlane object itself holds no state).

import type { Engine } from "../../world/engine.ts";
import type { Timings } from "../profile.ts";
import type { BrokerConfig } from "../spec.ts";
import type { ConfigDefaults } from "./records.ts";

export interface KraftWorldData {
  /** Controller actor ids, "c1".., in order. */
  readonly controllers: readonly string[];
  readonly brokerIds: readonly number[];
  readonly timings: Timings;
  readonly brokerConfig: BrokerConfig;
}

export const WORLD_KEY = "kraft";

export function kraftWorld(engine: Engine): KraftWorldData {
  const w = engine.world.data[WORLD_KEY] as KraftWorldData | undefined;
  if (!w) throw new Error("the KRaft control plane was not bootstrapped in this world");
  return w;
}

export function defaultsOf(w: { timings: Timings; brokerConfig: BrokerConfig }): ConfigDefaults {
  return { timings: w.timings, brokerConfig: w.brokerConfig };
}

/**
 * How long a voter or a broker waits for a quorum answer before asking again.
 * Kafka's controller.quorum.request.timeout.ms (2000 ms) is not a profile
 * setting; this waits out one long poll plus a quarter of the fetch timeout.
 */
export function quorumRequestTimeoutMs(t: Timings): number {
  return t.metadataFetchWaitMaxMs + Math.max(50, Math.floor(t.controllerQuorumFetchTimeoutMs / 4));
}

/** LeaderState's check-quorum window: 1.5 × controller.quorum.fetch.timeout.ms. */
export const checkQuorumWindowMs = (t: Timings): number => Math.floor(t.controllerQuorumFetchTimeoutMs * 1.5);
