// The guarantees of design.md §7, checked against the world: after every
// event in tests, live in the UI. Names follow Kafka's TLA+ replication specs
// and Jepsen's Kafka checker. A violation names the partition, the replicas
// and what was seen, so it can be linked to the moment it happened.

import { logRecords, recordAt, type PartitionLog } from "../cluster/log.ts";
import type { Engine } from "../world/engine.ts";
import type { BrokerData } from "./broker/brokerData.ts";
import type { ClusterContext } from "./context.ts";
import type { ControlPlaneView } from "./controlPlane.ts";
import { brokerActorId } from "./ids.ts";
import type { AckedRecord, LoadGeneratorData } from "./loadgen/loadGenerator.ts";
import { LOADGEN_KIND } from "./loadgen/loadGenerator.ts";
import { tpKey } from "./metadata.ts";
import { PRODUCER_KIND, producerData } from "./producer/producerKind.ts";
import { producerViews, writeStats } from "./producer/views.ts";
import { checkGroupInvariants, type GroupCheckerMemory, freshGroupCheckerMemory } from "./groups/invariants.ts";

export const GUARANTEES = [
  "Leader in ISR",
  "ISR never empty",
  "Strong ISR",
  "Log matching",
  "HW rules",
  "Fencing",
  "No acknowledged record lost",
  "Groups",
  "Consumers",
  "Producers",
] as const;
export type GuaranteeName = (typeof GUARANTEES)[number];

export interface Violation {
  guarantee: GuaranteeName;
  /** e.g. "orders-0" */
  subject: string;
  detail: string;
  atMs: number;
}

export interface LostRecord {
  producer: string;
  topic: string;
  partition: number;
  offset: number;
  /** null: a tombstone. */
  value: string | null;
  acks: number;
  ackedAtMs: number;
  /** What explains the loss, in plain language naming the setting; "unexplained" is a bug. */
  cause: string;
  /** True when the configuration allows this loss (acks=1, unclean election, ISR of one, lost disk). */
  explained: boolean;
}

/** What the checker remembers between checks (outside the world: reset it after a seek backwards). */
export interface CheckerMemory {
  /** The consumer-group checker's own memory (positions between polls). */
  groups: GroupCheckerMemory;
  /** Highest HW ever exposed per partition (by its leader). */
  maxHighWatermark: Record<string, number>;
  /** Partitions whose history includes an unclean event (unclean election or a lost disk). */
  uncleanSince: Record<string, number>;
  /** What the search for lost acknowledged records already judged (see `lostAcknowledgedRecords`). */
  acked: AckedRecordsMemory;
}

/**
 * The lost-record search is incremental: an acknowledged record found on the
 * partition's leader stays there while that leader keeps the same role, epoch
 * and life (a leader never truncates its own log). So each check judges only
 * the records acknowledged since the last one, and judges a partition's whole
 * history again only when its leadership changed.
 */
export interface AckedRecordsMemory {
  /** producer id → how many of its acknowledged records were judged. */
  judgedUpTo: Record<string, number>;
  /** partition → the leadership the judgements were made against. */
  leadership: Record<string, string>;
  /** partition → the records found lost there, with where they sit in their producer's list. */
  lost: Record<string, { producer: string; index: number; record: LostRecord }[]>;
}

function freshAckedRecordsMemory(): AckedRecordsMemory {
  return { judgedUpTo: {}, leadership: {}, lost: {} };
}

export function freshCheckerMemory(): CheckerMemory {
  return {
    maxHighWatermark: {},
    uncleanSince: {},
    groups: freshGroupCheckerMemory(),
    acked: freshAckedRecordsMemory(),
  };
}

function brokerData(engine: Engine, brokerId: number): BrokerData | undefined {
  const id = brokerActorId(brokerId);
  return engine.hasActor(id) ? (engine.actor(id).data as BrokerData) : undefined;
}

function brokerAlive(engine: Engine, brokerId: number): boolean {
  const id = brokerActorId(brokerId);
  return engine.hasActor(id) && engine.actor(id).alive;
}

/** Checks every guarantee now. `deep` also compares logs record by record (Log matching). */
export function checkGuarantees(
  engine: Engine,
  ctx: ClusterContext,
  memory: CheckerMemory,
  options: { deep: boolean },
): Violation[] {
  const out: Violation[] = [];
  const atMs = engine.nowMs;
  const view = ctx.controlPlane.describe(engine);
  for (const u of view.uncleanElections) {
    const key = tpKey(u.topic, u.partition);
    if (memory.uncleanSince[key] === undefined || u.atMs < memory.uncleanSince[key]) memory.uncleanSince[key] = u.atMs;
  }
  for (const st of view.partitions) {
    const key = tpKey(st.topic, st.partition);
    if (st.isr.length === 0)
      out.push({ guarantee: "ISR never empty", subject: key, detail: `the controller's ISR of ${key} is empty`, atMs });
    if (st.leader >= 0 && !st.isr.includes(st.leader)) {
      out.push({
        guarantee: "Leader in ISR",
        subject: key,
        detail: `leader ${st.leader} is not in ISR [${st.isr.join(",")}]`,
        atMs,
      });
    }
    // Fencing: only one broker may act as leader in the current leader epoch.
    const leadersNow = st.replicas.filter((b) => {
      const d = brokerData(engine, b);
      const rs = d?.replicas[key];
      return brokerAlive(engine, b) && rs?.role === "leader" && rs.leaderEpoch === st.leaderEpoch;
    });
    if (leadersNow.length > 1)
      out.push({
        guarantee: "Fencing",
        subject: key,
        detail: `brokers ${leadersNow.join(" and ")} both lead ${key} in leader epoch ${st.leaderEpoch}`,
        atMs,
      });

    const leaderLog =
      st.leader >= 0 && brokerAlive(engine, st.leader) ? brokerData(engine, st.leader)?.disk.logs[key] : undefined;
    const unclean = memory.uncleanSince[key] !== undefined;
    if (leaderLog) {
      const hw = leaderLog.highWatermark;
      const seen = memory.maxHighWatermark[key] ?? 0;
      // A new leader's own HW may lag the old leader's for a round trip (as in
      // Kafka); what must never move back is the committed data itself: the
      // leader holds every offset below the highest HW ever exposed.
      if (!unclean && leaderLog.logEndOffset < seen) {
        out.push({
          guarantee: "HW rules",
          subject: key,
          detail: `the leader ends at ${leaderLog.logEndOffset}, below the highest HW ever exposed (${seen}): committed records are gone`,
          atMs,
        });
      }
      if (hw > seen) memory.maxHighWatermark[key] = hw;
      // Strong ISR: every live ISR member holds the leader's records below the HW.
      if (!unclean) {
        for (const b of st.isr) {
          if (b === st.leader || !brokerAlive(engine, b)) continue;
          const log = brokerData(engine, b)?.disk.logs[key];
          if (
            log &&
            log.logEndOffset < Math.min(hw, leaderLog.logEndOffset) &&
            brokerData(engine, b)?.replicas[key]?.leaderEpoch === st.leaderEpoch
          ) {
            // A member that has not yet heard of this epoch may still be catching up; only judge those in it.
            out.push({
              guarantee: "Strong ISR",
              subject: key,
              detail: `ISR member ${b} ends at ${log.logEndOffset}, below the leader's HW ${hw}`,
              atMs,
            });
          }
        }
      }
    }
    for (const b of st.replicas) {
      const log = brokerData(engine, b)?.disk.logs[key];
      if (log && !(log.logStartOffset <= log.highWatermark && log.highWatermark <= log.logEndOffset)) {
        out.push({
          guarantee: "HW rules",
          subject: key,
          detail: `broker ${b}: expected logStartOffset ${log.logStartOffset} ≤ HW ${log.highWatermark} ≤ LEO ${log.logEndOffset}`,
          atMs,
        });
      }
    }
    if (options.deep && !unclean) {
      const logs = st.replicas
        .map((b) => ({ b, log: brokerData(engine, b)?.disk.logs[key] }))
        .filter((x): x is { b: number; log: PartitionLog } => x.log !== undefined);
      for (let i = 0; i < logs.length; i++) {
        for (let j = i + 1; j < logs.length; j++) {
          const mismatch = firstMismatchBelowHw(logs[i].log, logs[j].log);
          if (mismatch !== null)
            out.push({
              guarantee: "Log matching",
              subject: key,
              detail: `brokers ${logs[i].b} and ${logs[j].b} disagree at offset ${mismatch}, below both HWs`,
              atMs,
            });
        }
      }
    }
  }
  // Consumer groups: one owner per partition in a Stable group, commits within the HW, polls without skips.
  for (const v of checkGroupInvariants(engine, ctx, memory.groups)) {
    out.push({
      guarantee: v.guarantee === "Poll continuity" ? "Consumers" : "Groups",
      subject: v.subject,
      detail: `${v.guarantee}: ${v.detail}`,
      atMs,
    });
  }
  // Idempotent producers never write a duplicate (a log scan: deep checks only).
  if (options.deep) {
    for (const p of producerViews(engine)) {
      if (!p.idempotent) continue;
      const dups = writeStats(engine, ctx, p.topic, p.id).duplicates;
      if (dups.length > 0)
        out.push({
          guarantee: "Producers",
          subject: p.id,
          detail: `idempotent producer ${p.id} wrote ${dups.length} duplicate(s) to ${p.topic}`,
          atMs,
        });
    }
  }
  for (const lost of lostAcknowledgedRecords(engine, ctx, view, memory)) {
    if (!lost.explained) {
      out.push({
        guarantee: "No acknowledged record lost",
        subject: tpKey(lost.topic, lost.partition),
        detail: `${lost.producer}'s record ${lost.value} at offset ${lost.offset} (acks=${lost.acks === -1 ? "all" : lost.acks}) is gone: ${lost.cause}`,
        atMs,
      });
    }
  }
  return out;
}

function firstMismatchBelowHw(a: PartitionLog, b: PartitionLog): number | null {
  const upTo = Math.min(a.highWatermark, b.highWatermark);
  const from = Math.max(a.logStartOffset, b.logStartOffset);
  const sa = logRecords(a);
  for (let i = sa.from; i < sa.to; i++) {
    const ra = sa.records[i];
    if (ra.offset < from) continue;
    if (ra.offset >= upTo) break;
    const rb = recordAt(b, ra.offset);
    // Compaction may remove a record on one replica earlier than on another: only differing content counts.
    if (rb && (rb.value !== ra.value || rb.key !== ra.key || rb.leaderEpoch !== ra.leaderEpoch)) return ra.offset;
  }
  return null;
}

/**
 * Acknowledged records (acks=1 or all) that the partition's current leader no
 * longer has at their offset. A partition without a leader is unavailable,
 * not lost: its records are judged again once it has one. With `memory`, only
 * what changed since the last call is judged (see AckedRecordsMemory).
 */
export function lostAcknowledgedRecords(
  engine: Engine,
  ctx: ClusterContext,
  view: ControlPlaneView = ctx.controlPlane.describe(engine),
  memory?: CheckerMemory,
): LostRecord[] {
  const mem = memory ? memory.acked : freshAckedRecordsMemory();
  const byKey = new Map(view.partitions.map((p) => [tpKey(p.topic, p.partition), p]));
  const compacted = new Set(view.topics.filter((t) => t.config.cleanupPolicy !== "delete").map((t) => t.name));
  const disks = diskLosses(engine);

  // Partitions whose leadership changed are judged again from their first record.
  const rejudge = new Set<string>();
  for (const [key, st] of byKey) {
    const now = leadershipToken(engine, key, st.leader, st.leaderEpoch);
    if (mem.leadership[key] !== now) {
      mem.leadership[key] = now;
      mem.lost[key] = [];
      rejudge.add(key);
    }
  }
  for (const key of Object.keys(mem.leadership)) {
    if (!byKey.has(key)) {
      delete mem.leadership[key]; // the topic was deleted
      delete mem.lost[key];
    }
  }

  const producers: string[] = [];
  for (const id of engine.world.actorOrder) {
    const a = engine.world.actors[id];
    if (a.kind !== LOADGEN_KIND && a.kind !== PRODUCER_KIND) continue;
    producers.push(id);
    const acked: readonly AckedRecord[] = (
      a.kind === LOADGEN_KIND ? (a.data as LoadGeneratorData).acked : producerData(a).acked
    ).view();
    let from = mem.judgedUpTo[id] ?? 0;
    if (from > acked.length) {
      // A different producer under the same id: forget what its predecessor left.
      for (const key of Object.keys(mem.lost)) mem.lost[key] = mem.lost[key].filter((x) => x.producer !== id);
      from = 0;
    }
    const start = rejudge.size > 0 ? 0 : from;
    for (let i = start; i < acked.length; i++) {
      const r = acked[i];
      if (r.acks === 0) continue;
      const key = tpKey(r.topic, r.partition);
      if (i < from && !rejudge.has(key)) continue;
      const st = byKey.get(key);
      if (!st || st.leader < 0 || !brokerAlive(engine, st.leader)) continue;
      const log = brokerData(engine, st.leader)?.disk.logs[key];
      if (!log) continue;
      if (r.offset < log.logStartOffset) continue; // removed by retention: not a loss
      const found = recordAt(log, r.offset);
      if (found && found.value === r.value) continue;
      if (!found && compacted.has(r.topic) && r.offset < log.logEndOffset) continue; // compacted away by a newer value
      (mem.lost[key] ??= []).push({
        producer: id,
        index: i,
        record: { producer: id, ...pick(r), ...explainLoss(r, view, memory, disks) },
      });
    }
    mem.judgedUpTo[id] = acked.length;
  }

  const order = new Map(producers.map((id, i) => [id, i]));
  const out: { producer: string; index: number; record: LostRecord }[] = [];
  for (const [key, lost] of Object.entries(mem.lost)) {
    const st = byKey.get(key);
    const log = st && st.leader >= 0 ? brokerData(engine, st.leader)?.disk.logs[key] : undefined;
    for (const x of lost) {
      if (!order.has(x.producer)) continue; // a removed producer's records are no longer judged
      if (log && x.record.offset < log.logStartOffset) continue; // retention reached it since
      out.push(x);
    }
  }
  out.sort((x, y) => order.get(x.producer)! - order.get(y.producer)! || x.index - y.index);
  return out.map((x) => x.record);
}

/**
 * Who holds the partition's records now, as far as judging losses goes: the
 * leader the controller names, its epoch, and that broker's own role, epoch
 * and life. Any change means the records must be looked for again.
 */
function leadershipToken(engine: Engine, key: string, leader: number, leaderEpoch: number): string {
  if (leader < 0) return "none";
  const actorId = brokerActorId(leader);
  const actor = Object.hasOwn(engine.world.actors, actorId) ? engine.world.actors[actorId] : undefined;
  if (!actor || !actor.alive) return `${leader}:${leaderEpoch}:down`;
  const rs = brokerData(engine, leader)?.replicas[key];
  return `${leader}:${leaderEpoch}:${actor.incarnation}:${rs?.role ?? "-"}:${rs?.leaderEpoch ?? -1}`;
}

function pick(r: AckedRecord) {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    value: r.value,
    acks: r.acks,
    ackedAtMs: r.ackedAtMs,
  };
}

/** Disks replaced while their broker was down (the wipeDisk fault). */
export function diskLosses(engine: Engine): { broker: number; atMs: number }[] {
  return (engine.world.data.diskLosses as { broker: number; atMs: number }[] | undefined) ?? [];
}

function explainLoss(
  r: AckedRecord,
  view: ControlPlaneView,
  memory: CheckerMemory | undefined,
  disks: { broker: number; atMs: number }[],
): { cause: string; explained: boolean } {
  const disk = disks.find(
    (x) =>
      x.atMs >= r.ackedAtMs &&
      view.partitions.some((p) => p.topic === r.topic && p.partition === r.partition && p.replicas.includes(x.broker)),
  );
  if (disk)
    return {
      cause: `broker ${disk.broker}'s disk was lost: acknowledged records live in the page cache and on disk of the ISR, not anywhere else`,
      explained: true,
    };
  const unclean = view.uncleanElections.find(
    (u) => u.topic === r.topic && u.partition === r.partition && u.atMs >= r.ackedAtMs,
  );
  if (unclean)
    return {
      cause: `unclean leader election: broker ${unclean.leader} became leader without being in sync (unclean.leader.election.enable=true)`,
      explained: true,
    };
  if (memory?.uncleanSince[tpKey(r.topic, r.partition)] !== undefined)
    return { cause: "an unclean event on this partition (unclean election or a lost disk)", explained: true };
  if (r.acks === 1)
    return {
      cause: "acks=1: only the leader had it when it was acknowledged, and a new leader was elected without it",
      explained: true,
    };
  if (r.isr.length <= 1)
    return {
      cause: `acks=all with an ISR of one ([${r.isr.join(",")}]): min.insync.replicas allowed it, and that one replica failed`,
      explained: true,
    };
  return { cause: `unexplained: acknowledged with acks=all by ISR [${r.isr.join(",")}]`, explained: false };
}
