// Verdicts for the producer expectations of schema.ts, in the shape of
// scenario/expectations.ts (name, ok, detail in plain language).

import type { Engine } from "../../world/engine.ts";
import type { ClusterContext } from "../context.ts";
import type { ProducerExpectation } from "./schema.ts";
import { acknowledgedCount, producerViews, writeStats, type WrittenRecord } from "./views.ts";

export interface ProducerExpectationVerdict {
  name: string;
  ok: boolean;
  detail: string;
}

export function describeProducerExpectation(e: ProducerExpectation): string {
  if (e.name) return e.name;
  const who = "producer" in e && e.producer ? ` by ${e.producer}` : "";
  switch (e.type) {
    case "producerErrorSeen":
      return `${e.producer} ${e.seen ? "sees" : "never sees"} ${e.error}`;
    case "duplicatesWritten":
      return `at least ${e.atLeast} duplicate record(s) written to ${e.topic}${who}`;
    case "noDuplicatesWritten":
      return `no duplicate record written to ${e.topic}${who}`;
    case "reorderedWritten":
      return `at least ${e.atLeast} record(s) written out of order to ${e.topic}${who}`;
    case "noReorderedWritten":
      return `every record written to ${e.topic} in send order${who}`;
    case "acknowledged":
      return `${e.producer} has at least ${e.atLeast} acknowledged record(s)`;
    case "transactionsCompleted":
      return `${e.producer} committed ${e.committed ?? "any number of"} and aborted ${e.aborted ?? "any number of"} transaction(s)`;
  }
}

function example(list: WrittenRecord[]): string {
  const w = list[0];
  return w ? `, e.g. ${w.value} again at ${w.partition}:${w.offset}` : "";
}

export function checkProducerExpectation(
  e: ProducerExpectation,
  engine: Engine,
  ctx: ClusterContext,
): ProducerExpectationVerdict {
  const name = describeProducerExpectation(e);
  switch (e.type) {
    case "producerErrorSeen": {
      const p = producerViews(engine).find((x) => x.id === e.producer);
      const n = p?.errors[e.error] ?? 0;
      return {
        name,
        ok: e.seen ? n > 0 : n === 0,
        detail: p ? `${n} × ${e.error} (errors seen: ${JSON.stringify(p.errors)})` : `no producer ${e.producer}`,
      };
    }
    case "duplicatesWritten":
    case "noDuplicatesWritten": {
      const s = writeStats(engine, ctx, e.topic, e.producer);
      const n = s.duplicates.length;
      const ok = e.type === "duplicatesWritten" ? n >= e.atLeast : n === 0;
      return { name, ok, detail: `${n} extra copies among ${s.distinct} distinct records${example(s.duplicates)}` };
    }
    case "reorderedWritten":
    case "noReorderedWritten": {
      const s = writeStats(engine, ctx, e.topic, e.producer);
      const n = s.reordered.length;
      const ok = e.type === "reorderedWritten" ? n >= e.atLeast : n === 0;
      const w = s.reordered[0];
      return {
        name,
        ok,
        detail: `${n} record(s) landed after a record sent later${w ? `, e.g. ${w.value} at ${w.partition}:${w.offset}` : ""}`,
      };
    }
    case "acknowledged": {
      const n = acknowledgedCount(engine, e.producer);
      return {
        name,
        ok: n !== null && n >= e.atLeast,
        detail: n === null ? `no producer ${e.producer}` : `${n} acknowledged`,
      };
    }
    case "transactionsCompleted": {
      const p = producerViews(engine).find((x) => x.id === e.producer);
      if (!p) return { name, ok: false, detail: `no producer ${e.producer}` };
      const ok =
        (e.committed === undefined || p.committedTransactions === e.committed) &&
        (e.aborted === undefined || p.abortedTransactions === e.aborted);
      return {
        name,
        ok,
        detail: `${p.committedTransactions} committed, ${p.abortedTransactions} aborted (state ${p.state})`,
      };
    }
  }
}
