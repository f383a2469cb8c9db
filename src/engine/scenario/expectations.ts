// Checking a scenario's expectations against a finished (or paused) run.
// Each verdict carries a detail in plain language, so a failing check says
// what was seen, not only that it failed.

import type { TraceEvent } from "../core/trace.ts";
import type { Expectation } from "./schema.ts";

export interface ExpectationVerdict {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ExpectationView {
  readonly trace: readonly TraceEvent[];
  actorState(id: string): string | undefined;
}

export function describeExpectation(e: Expectation): string {
  if (e.name) return e.name;
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
  }
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
      return {
        name,
        ok,
        detail: hit ? `#${hit.id} at ${hit.time} ms: ${hit.text}` : "not seen",
      };
    }
  }
}
