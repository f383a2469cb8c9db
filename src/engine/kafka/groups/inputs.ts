// The consumer-group actions (scenario steps and user clicks): add, close,
// stall, tune, seek, pause and resume consumers, and reset a group's offsets
// the way kafka-consumer-groups --reset-offsets does (only while it is empty).
// Crash and restart of a consumer use the kernel's own inputs.

import { logRecords } from "../../cluster/log.ts";
import type { Engine } from "../../world/engine.ts";
import type { InputHandler, SimInput } from "../../world/types.ts";
import type { ClusterContext } from "../context.ts";
import { brokerActorId } from "../ids.ts";
import { tpKey } from "../metadata.ts";
import type { ProfileName } from "../profile.ts";
import { freshestImage, leaderLog, partitionCount } from "./clusterRead.ts";
import { resolveConsumer, type ConsumerEntry, type CoordinatorSettings } from "./config.ts";
import { CONSUMER_INPUT, CONSUMER_KIND, startConsumer } from "./consumer.ts";
import { isLoaded, makeCoord, offsetsPartitionOf, resetGroupOffsets } from "./coordinator.ts";
import { OFFSETS_TOPIC } from "./protocol.ts";

function str(input: SimInput, field: string): string {
  const v = input[field];
  if (typeof v !== "string" || v === "") throw new TypeError(`${input.type}: "${field}" must be a non-empty string`);
  return v;
}

function consumerActor(engine: Engine, input: SimInput): string {
  const id = str(input, "id");
  if (!engine.hasActor(id)) throw new RangeError(`${input.type}: no consumer "${id}"`);
  if (engine.actor(id).kind !== CONSUMER_KIND) throw new RangeError(`${input.type}: "${id}" is not a consumer`);
  return id;
}

function report(engine: Engine, what: string, ok: boolean, detail: string): void {
  engine.record("note", "world", ok ? `${what}: ${detail}` : `${what} failed: ${detail}`, { admin: what, ok });
}

export function groupInputs(
  ctx: ClusterContext,
  settings: CoordinatorSettings,
  profile: ProfileName,
): Record<string, InputHandler> {
  const forward = (type: string) => (engine: Engine, input: SimInput) => {
    const id = consumerActor(engine, input);
    if (!engine.actor(id).alive) {
      report(engine, `${input.type} ${id}`, false, `${id} is not running`);
      return;
    }
    const { type: _t, ...rest } = input;
    engine.dispatch(id, { ...rest, type });
  };
  return {
    addConsumer(engine, input) {
      const id = str(input, "id");
      const entry: ConsumerEntry = {
        id,
        groupId: str(input, "groupId"),
        topics: (input.topics as string[]) ?? [],
        settings: input.settings as Record<string, unknown> | undefined,
        processingMsPerRecord: input.processingMsPerRecord as number | undefined,
        manualCommit: input.manualCommit as "sync" | "async" | undefined,
      };
      if (engine.hasActor(id)) {
        const a = engine.actor(id);
        if (a.kind !== CONSUMER_KIND) throw new RangeError(`addConsumer: "${id}" is already another kind of node`);
        if (a.alive) {
          report(engine, `add consumer ${id}`, false, `${id} is already running`);
          return;
        }
        // A consumer that was closed or crashed starts again with its original settings.
        engine.restart(id, "started again by addConsumer");
        return;
      }
      const cfg = resolveConsumer(entry, profile, ctx.spec.timings.requestTimeoutMs);
      const actor = engine.spawn(id, CONSUMER_KIND, cfg);
      startConsumer(engine, actor, 0);
    },
    removeConsumer: forward(CONSUMER_INPUT.close),
    stallConsumer: forward(CONSUMER_INPUT.stall),
    setConsumer: forward(CONSUMER_INPUT.set),
    seekConsumer: forward(CONSUMER_INPUT.seek),
    pauseConsumer: forward(CONSUMER_INPUT.pause),
    resumeConsumer: forward(CONSUMER_INPUT.resume),
    resetOffsets(engine, input) {
      const groupId = str(input, "groupId");
      const topic = str(input, "topic");
      const what = `reset the offsets of group ${groupId} on ${topic}`;
      const image = freshestImage(engine, ctx);
      const p = offsetsPartitionOf(ctx, groupId);
      const leader = image?.partitions[tpKey(OFFSETS_TOPIC, p)]?.leader ?? -1;
      const brokerId = leader >= 0 ? brokerActorId(leader) : null;
      if (brokerId === null || !engine.hasActor(brokerId) || !engine.actor(brokerId).alive) {
        report(engine, what, false, `no group coordinator is available (COORDINATOR_NOT_AVAILABLE)`);
        return;
      }
      const k = makeCoord(ctx, settings, engine, engine.actor(brokerId));
      if (!isLoaded(k, p)) {
        report(
          engine,
          what,
          false,
          `broker ${leader} has not loaded ${OFFSETS_TOPIC}-${p} yet (COORDINATOR_LOAD_IN_PROGRESS)`,
        );
        return;
      }
      const n = partitionCount(engine, ctx, topic);
      const partitions =
        input.partition !== undefined ? [Number(input.partition)] : Array.from({ length: n }, (_, i) => i);
      const to = input.to as "earliest" | "latest" | { offset: number } | { timestampMs: number };
      const offsets: { topic: string; partition: number; offset: number }[] = [];
      for (const partition of partitions) {
        // What the tool learns with ListOffsets from each partition's leader.
        const log = leaderLog(engine, ctx, topic, partition);
        if (!log) {
          report(engine, what, false, `${topic}-${partition} has no leader (LEADER_NOT_AVAILABLE)`);
          return;
        }
        const start = log.logStartOffset;
        const end = log.highWatermark;
        let offset: number;
        if (to === "earliest") offset = start;
        else if (to === "latest") offset = end;
        else if ("offset" in to) offset = Math.min(Math.max(to.offset, start), end);
        else {
          offset = end;
          const slice = logRecords(log);
          for (let i = slice.from; i < slice.to; i++) {
            const r = slice.records[i];
            if (r.offset >= end) break;
            if (r.timestamp >= to.timestampMs) {
              offset = r.offset;
              break;
            }
          }
        }
        offsets.push({ topic, partition, offset });
      }
      const res = resetGroupOffsets(k, groupId, offsets);
      report(engine, what, res.ok, res.detail);
    },
  };
}

const target = (to: unknown): string => {
  if (typeof to === "string") return to;
  if (to && typeof to === "object" && "offset" in to) return `offset ${(to as { offset: number }).offset}`;
  if (to && typeof to === "object" && "timestampMs" in to)
    return `the first record at or after ${(to as { timestampMs: number }).timestampMs} ms`;
  return JSON.stringify(to);
};
const tpText = (i: SimInput) =>
  i.topic ? `${String(i.topic)}${i.partition !== undefined ? `-${String(i.partition)}` : ""}` : "all its partitions";

export const groupInputDescriptions: Record<string, (input: SimInput) => string> = {
  addConsumer: (i) =>
    `start consumer ${String(i.id)} in group ${String(i.groupId)} reading ${((i.topics as string[]) ?? []).join(", ")}`,
  removeConsumer: (i) => `close consumer ${String(i.id)} cleanly (it leaves its group at once)`,
  stallConsumer: (i) => `make consumer ${String(i.id)}'s application stop polling for ${String(i.forMs)} ms`,
  resetOffsets: (i) =>
    `reset group ${String(i.groupId)}'s offsets on ${String(i.topic)}${i.partition !== undefined ? `-${String(i.partition)}` : ""} to ${target(i.to)} (kafka-consumer-groups --reset-offsets)`,
  setConsumer: (i) => `make consumer ${String(i.id)} take ${String(i.processingMsPerRecord)} ms per record`,
  seekConsumer: (i) => `make consumer ${String(i.id)} seek ${tpText(i)} to ${target(i.to)}`,
  pauseConsumer: (i) => `pause consumer ${String(i.id)} on ${tpText(i)}`,
  resumeConsumer: (i) => `resume consumer ${String(i.id)} on ${tpText(i)}`,
};
