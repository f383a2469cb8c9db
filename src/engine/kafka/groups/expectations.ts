// Checking the consumer-group expectations of a scenario against the views.
// Each verdict says what was seen, in plain language.

import type { GroupExpectation } from "./schema.ts";
import type { ConsumerView, GroupView } from "./views.ts";

export interface GroupExpectationViews {
  groups: readonly GroupView[];
  consumers: readonly ConsumerView[];
  nowMs: number;
}

export interface GroupExpectationVerdict {
  name: string;
  ok: boolean;
  detail: string;
}

export function describeGroupExpectation(e: GroupExpectation): string {
  if (e.name) return e.name;
  const who = (x: { consumer?: string; groupId?: string }) =>
    x.consumer ? `consumer ${x.consumer}` : `group ${x.groupId}`;
  switch (e.type) {
    case "groupState":
      return `group ${e.groupId} is ${e.state}`;
    case "lagBelow":
      return `group ${e.groupId}'s lag${e.topic ? ` on ${e.topic}` : ""} is at most ${e.atMost}${e.byMs !== undefined ? ` by ${e.byMs} ms` : ""}`;
    case "duplicatesSeen":
      return `${who(e)} read at least ${e.atLeast} record(s) twice`;
    case "noDuplicates":
      return `${who(e)} never read a record twice`;
    case "skipsSeen":
      return `${who(e)} skipped at least ${e.atLeast} record(s)`;
    case "noSkips":
      return `${who(e)} never skipped a record`;
    case "partitionOwner":
      return `${e.topic}-${e.partition} is owned by ${e.consumer ?? "nobody"} in group ${e.groupId}`;
    case "rebalances":
      return `group ${e.groupId} rebalances ${[e.atLeast !== undefined ? `at least ${e.atLeast}` : "", e.atMost !== undefined ? `at most ${e.atMost}` : ""].filter(Boolean).join(" and ") || "any number of"} time(s)`;
    case "consumingPausedDuringRebalance":
      return e.paused
        ? `group ${e.groupId}'s members get no records while they rebalance (eager)`
        : `group ${e.groupId}'s members keep getting records while they rebalance (cooperative)`;
  }
}

function lagOf(g: GroupView, topic: string | undefined): number {
  return g.partitions.filter((p) => topic === undefined || p.topic === topic).reduce((s, p) => s + p.lag, 0);
}

export function checkGroupExpectation(e: GroupExpectation, views: GroupExpectationViews): GroupExpectationVerdict {
  const name = describeGroupExpectation(e);
  const verdict = (ok: boolean, detail: string): GroupExpectationVerdict => ({ name, ok, detail });
  const group = (id: string | undefined) => views.groups.find((g) => g.groupId === id);
  const consumer = (id: string | undefined) => views.consumers.find((c) => c.id === id);
  const counted = (x: { consumer?: string; groupId?: string }, field: "duplicates" | "skips"): number | null => {
    if (x.consumer !== undefined) return consumer(x.consumer)?.[field] ?? null;
    return group(x.groupId)?.[field] ?? null;
  };
  switch (e.type) {
    case "groupState": {
      const g = group(e.groupId);
      if (!g) return verdict(false, `no group ${e.groupId}`);
      return verdict(g.state === e.state, `group ${e.groupId} is ${g.state} (generation ${g.generation})`);
    }
    case "lagBelow": {
      const g = group(e.groupId);
      if (!g) return verdict(false, `no group ${e.groupId}`);
      if (e.byMs === undefined) {
        const lag = lagOf(g, e.topic);
        return verdict(lag <= e.atMost, `lag is ${lag} (HW − committed offset, summed over partitions)`);
      }
      const samples = g.lagSamples.filter((s) => s.atMs <= e.byMs!);
      const values = samples.map((s) =>
        Object.keys(s.byTopic)
          .filter((t) => e.topic === undefined || t === e.topic)
          .reduce((sum, t) => sum + s.byTopic[t], 0),
      );
      const hit = samples.findIndex((_, i) => values[i] <= e.atMost);
      if (hit >= 0) return verdict(true, `lag was ${values[hit]} at ${samples[hit].atMs} ms (a commit completed then)`);
      if (views.nowMs < e.byMs)
        return verdict(
          false,
          `not yet ${e.byMs} ms; lowest lag so far ${values.length ? Math.min(...values) : "unknown"}`,
        );
      return verdict(
        false,
        `lowest lag by ${e.byMs} ms was ${values.length ? Math.min(...values) : "unknown (no commit completed)"}`,
      );
    }
    case "duplicatesSeen":
    case "noDuplicates": {
      const n = counted(e, "duplicates");
      if (n === null) return verdict(false, `no ${e.consumer ? `consumer ${e.consumer}` : `group ${e.groupId}`}`);
      return verdict(e.type === "noDuplicates" ? n === 0 : n >= e.atLeast, `${n} record(s) read more than once`);
    }
    case "skipsSeen":
    case "noSkips": {
      const n = counted(e, "skips");
      if (n === null) return verdict(false, `no ${e.consumer ? `consumer ${e.consumer}` : `group ${e.groupId}`}`);
      return verdict(e.type === "noSkips" ? n === 0 : n >= e.atLeast, `${n} record(s) skipped`);
    }
    case "partitionOwner": {
      const g = group(e.groupId);
      const p = g?.partitions.find((x) => x.topic === e.topic && x.partition === e.partition);
      if (!g || !p) return verdict(false, `no ${e.topic}-${e.partition} in group ${e.groupId}`);
      return verdict(p.owner === e.consumer, `${e.topic}-${e.partition} is owned by ${p.owner ?? "nobody"}`);
    }
    case "rebalances": {
      const g = group(e.groupId);
      if (!g) return verdict(false, `no group ${e.groupId}`);
      const n = g.rebalances.length;
      return verdict(
        (e.atLeast === undefined || n >= e.atLeast) && (e.atMost === undefined || n <= e.atMost),
        `${n} rebalance(s)`,
      );
    }
    case "consumingPausedDuringRebalance": {
      const g = group(e.groupId);
      if (!g) return verdict(false, `no group ${e.groupId}`);
      if (g.rebalances.length === 0) return verdict(false, `group ${e.groupId} never rebalanced`);
      const n = g.deliveredWhileRebalancing;
      return verdict(
        e.paused ? n === 0 : n > 0,
        `poll() returned ${n} record(s) to members while they were themselves rebalancing (${g.rebalanceProtocol?.toLowerCase() ?? "unknown"} rebalancing)`,
      );
    }
  }
}
