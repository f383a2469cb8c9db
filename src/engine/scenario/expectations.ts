// Checking a scenario's expectations against a finished (or paused) run.
// Each verdict carries a detail in plain language, so a failing check says
// what was seen, not only that it failed.

import type { TraceEvent } from "../core/trace.ts";
import type { LostRecord, Violation } from "../kafka/checker.ts";
import type { ClusterContext } from "../kafka/context.ts";
import {
  checkGroupExpectation,
  describeGroupExpectation,
  GROUP_EXPECTATION_TYPES,
  type GroupExpectation,
} from "../kafka/groups/index.ts";
import type { GroupView, ConsumerView } from "../kafka/groups/index.ts";
import { checkProducerExpectation, describeProducerExpectation } from "../kafka/producer/index.ts";
import type { ProducerExpectation } from "../kafka/producer/schema.ts";
import type { ClusterView } from "../kafka/views.ts";
import type { Engine } from "../world/engine.ts";
import type { Expectation } from "./schema.ts";

export interface ExpectationVerdict {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ClusterExpectationView {
  view(): ClusterView;
  groups(): GroupView[];
  consumers(): ConsumerView[];
  readonly engine: Engine;
  readonly ctx: ClusterContext;
  lost(): LostRecord[];
  /** Every guarantee violation seen during the run so far. */
  violations(): Violation[];
}

export interface ExpectationView {
  readonly trace: readonly TraceEvent[];
  actorState(id: string): string | undefined;
  readonly cluster: ClusterExpectationView | null;
}

const acksText = (a: number) => (a === -1 ? "all" : String(a));

const PRODUCER_EXPECTATION_TYPES = new Set([
  "producerErrorSeen",
  "duplicatesWritten",
  "noDuplicatesWritten",
  "reorderedWritten",
  "noReorderedWritten",
  "transactionsCompleted",
]);

export function describeExpectation(e: Expectation): string {
  if (e.name) return e.name;
  if (GROUP_EXPECTATION_TYPES.includes(e.type)) return describeGroupExpectation(e as GroupExpectation);
  if (PRODUCER_EXPECTATION_TYPES.has(e.type)) return describeProducerExpectation(e as ProducerExpectation);
  switch (e.type) {
    case "traceCount": {
      const bounds = [
        e.atLeast !== undefined ? `at least ${e.atLeast}` : "",
        e.atMost !== undefined ? `at most ${e.atMost}` : "",
      ]
        .filter(Boolean)
        .join(" and ");
      return `${bounds || "any number of"} "${e.kind}" events${e.actor ? ` at ${e.actor}` : ""}`;
    }
    case "actorState":
      return `${e.actor} ends in state ${e.state}`;
    case "traceText":
      return `${e.present ? "" : "no "}event mentions "${e.contains}"`;
    case "noLostAcknowledgedRecords":
      return "no acknowledged record is lost";
    case "lostAcknowledgedRecords":
      return `at least ${e.atLeast} acknowledged record(s) lost${e.cause ? ` (cause: ${e.cause})` : ""}`;
    case "leader":
      return `the leader of ${e.topic}-${e.partition} ${e.is !== undefined ? `is ${e.is === -1 ? "none" : `broker ${e.is}`}` : ""}${e.isNot !== undefined ? `is not broker ${e.isNot}` : ""}`;
    case "isrSize":
      return `ISR of ${e.topic}-${e.partition} has ${[e.equals !== undefined ? `${e.equals}` : "", e.atLeast !== undefined ? `at least ${e.atLeast}` : "", e.atMost !== undefined ? `at most ${e.atMost}` : ""].filter(Boolean).join(", ")} member(s)`;
    case "producerError":
      return `${e.producer} ${e.seen ? "sees" : "never sees"} ${e.error}`;
    case "acknowledged":
      return `${e.producer} has at least ${e.atLeast} acknowledged record(s)`;
    case "activeController":
      return e.is
        ? `the active controller is ${e.is}`
        : e.isNot
          ? `the active controller is not ${e.isNot}`
          : e.exists === false
            ? "there is no active controller"
            : "there is an active controller";
    case "brokerState":
      return `${e.node} is ${e.state}`;
    case "invariantsHold":
      return "every guarantee held at every step";
    case "replicaOffsets": {
      const parts = [
        e.highWatermarkAtMost !== undefined ? `HW ≤ ${e.highWatermarkAtMost}` : "",
        e.highWatermarkAtLeast !== undefined ? `HW ≥ ${e.highWatermarkAtLeast}` : "",
        e.logEndOffsetAtLeast !== undefined ? `LEO ≥ ${e.logEndOffsetAtLeast}` : "",
        e.logStartOffsetAtLeast !== undefined ? `log start ≥ ${e.logStartOffsetAtLeast}` : "",
      ].filter(Boolean);
      return `${e.broker ? `broker ${e.broker}'s` : "the leader's"} log of ${e.topic}-${e.partition}: ${parts.join(", ")}`;
    }
    default:
      return e.type;
  }
}

function needCluster(view: ExpectationView, name: string): ExpectationVerdict | ClusterExpectationView {
  return view.cluster ?? { name, ok: false, detail: "this scenario has no cluster" };
}

export function checkExpectation(e: Expectation, view: ExpectationView): ExpectationVerdict {
  const name = describeExpectation(e);
  switch (e.type) {
    case "traceCount": {
      let n = 0;
      for (const t of view.trace) if (t.kind === e.kind && (e.actor === undefined || t.actor === e.actor)) n++;
      const ok = (e.atLeast === undefined || n >= e.atLeast) && (e.atMost === undefined || n <= e.atMost);
      return { name, ok, detail: `${n} seen` };
    }
    case "actorState": {
      const state = view.actorState(e.actor);
      return {
        name,
        ok: state === e.state,
        detail: state === undefined ? `${e.actor} does not exist or is down` : `${e.actor} is in ${state}`,
      };
    }
    case "traceText": {
      const hit = view.trace.find((t) => t.text.includes(e.contains));
      const ok = e.present ? hit !== undefined : hit === undefined;
      return { name, ok, detail: hit ? `#${hit.id} at ${hit.time} ms: ${hit.text}` : "not seen" };
    }
    default:
      return checkClusterExpectation(e, view, name);
  }
}

function checkClusterExpectation(e: Expectation, view: ExpectationView, name: string): ExpectationVerdict {
  const c = needCluster(view, name);
  if ("ok" in c) return c;
  if (GROUP_EXPECTATION_TYPES.includes(e.type)) {
    const v = checkGroupExpectation(e as GroupExpectation, {
      groups: c.groups(),
      consumers: c.consumers(),
      nowMs: c.engine.nowMs,
    });
    return { name, ok: v.ok, detail: v.detail };
  }
  if (PRODUCER_EXPECTATION_TYPES.has(e.type)) {
    const v = checkProducerExpectation(e as ProducerExpectation, c.engine, c.ctx);
    return { name, ok: v.ok, detail: v.detail };
  }
  switch (e.type) {
    case "noLostAcknowledgedRecords": {
      const lost = c.lost();
      return {
        name,
        ok: lost.length === 0,
        detail: lost.length === 0 ? "every acknowledged record is on the current leader" : describeLost(lost),
      };
    }
    case "lostAcknowledgedRecords": {
      const lost = c.lost().filter((l) => e.cause === undefined || l.cause.includes(e.cause));
      return {
        name,
        ok: lost.length >= e.atLeast,
        detail: lost.length === 0 ? "no acknowledged record was lost" : describeLost(lost),
      };
    }
    case "leader": {
      const p = c.view().partitions.find((x) => x.topic === e.topic && x.partition === e.partition);
      if (!p) return { name, ok: false, detail: `no partition ${e.topic}-${e.partition}` };
      const ok = (e.is === undefined || p.leader === e.is) && (e.isNot === undefined || p.leader !== e.isNot);
      return {
        name,
        ok,
        detail:
          p.leader < 0
            ? "it has no leader (offline)"
            : `the leader is broker ${p.leader} (leader epoch ${p.leaderEpoch})`,
      };
    }
    case "isrSize": {
      const p = c.view().partitions.find((x) => x.topic === e.topic && x.partition === e.partition);
      if (!p) return { name, ok: false, detail: `no partition ${e.topic}-${e.partition}` };
      const n = p.isr.length;
      const ok =
        (e.equals === undefined || n === e.equals) &&
        (e.atLeast === undefined || n >= e.atLeast) &&
        (e.atMost === undefined || n <= e.atMost);
      return { name, ok, detail: `ISR is [${p.isr.join(",")}]` };
    }
    case "producerError": {
      const p = c.view().producers.find((x) => x.id === e.producer);
      const n = p?.errors[e.error] ?? 0;
      return {
        name,
        ok: e.seen ? n > 0 : n === 0,
        detail: `${n} × ${e.error}${p ? ` (errors seen: ${JSON.stringify(p.errors)})` : ""}`,
      };
    }
    case "acknowledged": {
      const p = c.view().producers.find((x) => x.id === e.producer);
      const n = p?.acknowledged ?? 0;
      return { name, ok: n >= e.atLeast, detail: `${n} acknowledged (acks=${p ? acksText(p.acks) : "?"})` };
    }
    case "activeController": {
      const active = c.view().controller.activeControllerId;
      const ok =
        (e.is === undefined || active === e.is) &&
        (e.isNot === undefined || active !== e.isNot) &&
        (e.exists === undefined || (active !== null) === e.exists);
      return {
        name,
        ok,
        detail: active
          ? `the active controller is ${active} (epoch ${c.view().controller.controllerEpoch})`
          : "there is no active controller",
      };
    }
    case "brokerState": {
      const b = c.view().brokers.find((x) => x.actorId === e.node);
      return {
        name,
        ok: b?.lifecycle === e.state,
        detail: b ? `${e.node} is ${b.lifecycle}${b.fenced ? " (fenced)" : ""}` : `no broker ${e.node}`,
      };
    }
    case "invariantsHold": {
      const v = c.violations();
      return {
        name,
        ok: v.length === 0,
        detail:
          v.length === 0
            ? "no violation"
            : v
                .slice(0, 3)
                .map((x) => `${x.guarantee} at ${x.atMs} ms: ${x.detail}`)
                .join("; "),
      };
    }
    case "replicaOffsets": {
      const p = c.view().partitions.find((x) => x.topic === e.topic && x.partition === e.partition);
      if (!p) return { name, ok: false, detail: `no partition ${e.topic}-${e.partition}` };
      const broker = e.broker ?? p.leader;
      const r = p.replicaViews.find((x) => x.brokerId === broker);
      if (!r)
        return {
          name,
          ok: false,
          detail: broker < 0 ? "the partition has no leader" : `broker ${broker} holds no replica`,
        };
      const ok =
        (e.highWatermarkAtMost === undefined || r.highWatermark <= e.highWatermarkAtMost) &&
        (e.highWatermarkAtLeast === undefined || r.highWatermark >= e.highWatermarkAtLeast) &&
        (e.logEndOffsetAtLeast === undefined || r.logEndOffset >= e.logEndOffsetAtLeast) &&
        (e.logStartOffsetAtLeast === undefined || r.logStartOffset >= e.logStartOffsetAtLeast);
      return {
        name,
        ok,
        detail: `broker ${broker}: log start ${r.logStartOffset}, HW ${r.highWatermark}, LEO ${r.logEndOffset}`,
      };
    }
    default:
      return { name, ok: false, detail: "unknown expectation" };
  }
}

function describeLost(lost: LostRecord[]): string {
  const first = lost[0];
  return `${lost.length} lost, e.g. ${first.value} at ${first.topic}-${first.partition} offset ${first.offset}: ${first.cause}`;
}
