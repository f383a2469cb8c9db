// Consumer-group guarantees, checked against the world (after every event in
// tests, live in the UI):
//  - Single owner: in a Stable group no partition is assigned to two members
//    (and a consumer-protocol group never hands out a partition still owned).
//  - Committed within HW: no committed offset is above the highest HW any
//    replica of that partition ever had on disk.
//  - Poll continuity: between two polls of one partition a consumer neither
//    skips an existing record nor goes back, unless its position was set in
//    between (assignment, reset, seek: a new "run").

import type { Engine } from "../../world/engine.ts";
import type { ClusterContext } from "../context.ts";
import { tpKey } from "../metadata.ts";
import { brokerDatas, maxHighWatermark, recordExists } from "./clusterRead.ts";
import { CONSUMER_KIND } from "./consumer.ts";
import { consumerData } from "./consumerData.ts";
import { classicStateName, MODULE_NAME, sortedKeys, type CoordinatorState } from "./coordinatorState.ts";

export const GROUP_GUARANTEES = ["Single owner", "Committed within HW", "Poll continuity"] as const;
export type GroupGuaranteeName = (typeof GROUP_GUARANTEES)[number];

export interface GroupViolation {
  guarantee: GroupGuaranteeName;
  /** e.g. "group shop / orders-1" or "consumer a1 / orders-0". */
  subject: string;
  detail: string;
  atMs: number;
}

/** What the checker remembers between checks (reset it after seeking backwards). */
export interface GroupCheckerMemory {
  /** consumer id -> ledger entries already checked. */
  cursor: Record<string, number>;
  /** `${consumer}|${tp}` -> last offset read and its run. */
  last: Record<string, { offset: number; run: number }>;
  /** tp -> the highest HW seen on any replica so far (a new leader's HW may briefly lag the old one's). */
  maxHw: Record<string, number>;
}

export function freshGroupCheckerMemory(): GroupCheckerMemory {
  return { cursor: {}, last: {}, maxHw: {} };
}

export function checkGroupInvariants(
  engine: Engine,
  ctx: ClusterContext,
  memory: GroupCheckerMemory,
): GroupViolation[] {
  const out: GroupViolation[] = [];
  const atMs = engine.nowMs;
  for (const b of brokerDatas(engine, ctx)) {
    if (!b.alive) continue;
    const st = b.data.modules?.[MODULE_NAME] as CoordinatorState | undefined;
    if (!st) continue;
    for (const groupId of sortedKeys(st.groups)) {
      const g = st.groups[groupId];
      const owners = new Map<string, string>();
      const claims: { tp: string; who: string }[] = [];
      if (g.type === "classic") {
        if (classicStateName(g) === "Stable")
          for (const m of g.members) for (const tp of m.assignment) claims.push({ tp, who: m.clientId });
      } else
        for (const m of g.members)
          for (const tp of [...m.assigned, ...m.revoking]) claims.push({ tp, who: m.clientId });
      for (const c of claims) {
        const prev = owners.get(c.tp);
        if (prev !== undefined)
          out.push({
            guarantee: "Single owner",
            subject: `group ${groupId} / ${c.tp}`,
            detail: `broker ${b.id} has ${c.tp} assigned to both ${prev} and ${c.who} while the group is ${g.type === "classic" ? "Stable" : g.stateName}`,
            atMs,
          });
        else owners.set(c.tp, c.who);
      }
      for (const key of sortedKeys(g.offsets)) {
        const i = key.lastIndexOf("-");
        const topic = key.slice(0, i);
        const partition = Number(key.slice(i + 1));
        const hw = Math.max(memory.maxHw[key] ?? 0, maxHighWatermark(engine, ctx, topic, partition));
        memory.maxHw[key] = hw;
        const committed = g.offsets[key].offset;
        if (committed > hw)
          out.push({
            guarantee: "Committed within HW",
            subject: `group ${groupId} / ${key}`,
            detail: `committed offset ${committed} is above the highest HW any replica ever had (${hw})`,
            atMs,
          });
      }
    }
  }
  for (const id of engine.world.actorOrder) {
    const a = engine.world.actors[id];
    if (a.kind !== CONSUMER_KIND) continue;
    const ledger = consumerData(a).ledger.view();
    let from = memory.cursor[id] ?? 0;
    if (from > ledger.length) from = 0;
    for (let i = from; i < ledger.length; i++) {
      const e = ledger[i];
      const tp = tpKey(e.topic, e.partition);
      const key = `${id}|${tp}`;
      const prev = memory.last[key];
      if (prev && prev.run === e.run) {
        if (e.offset <= prev.offset)
          out.push({
            guarantee: "Poll continuity",
            subject: `consumer ${id} / ${tp}`,
            detail: `read offset ${e.offset} after ${prev.offset} with no rebalance, reset or seek in between`,
            atMs: e.readAtMs,
          });
        else if (e.offset > prev.offset + 1) {
          const missing: number[] = [];
          for (let o = prev.offset + 1; o < e.offset && missing.length < 5; o++)
            if (recordExists(engine, ctx, e.topic, e.partition, o)) missing.push(o);
          if (missing.length > 0)
            out.push({
              guarantee: "Poll continuity",
              subject: `consumer ${id} / ${tp}`,
              detail: `jumped from offset ${prev.offset} to ${e.offset}, skipping ${missing.join(", ")}${missing.length === 5 ? "…" : ""}`,
              atMs: e.readAtMs,
            });
        }
      }
      memory.last[key] = { offset: e.offset, run: e.run };
    }
    memory.cursor[id] = ledger.length;
  }
  return out;
}
