// Share links and recorded sessions, plus a fuzz test of everything that
// reads scenario data from outside: thousands of mutated files and links
// must either load or fail with a ScenarioError that names a path.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { createSimulation, parseScenario, ScenarioError } from "../engine/index.ts";
import { libraryPaths, loadScenarioFile, REPO_ROOT } from "../cli/runScenario.ts";
import { decodeSessionLink, encodeSessionLink, parseSession, sessionAsScenario, type Session } from "./session.ts";

const library = libraryPaths().map((p) => loadScenarioFile(join(REPO_ROOT, p)) as Record<string, unknown>);
const ring = library.find((s) => String(s.title).includes("three nodes"))!;

function session(): Session {
  return {
    scenario: parseScenario(ring),
    seed: 99,
    inputs: [
      { atMs: 1200, input: { type: "crash", node: "n3" }, source: "user" },
      { atMs: 4000, input: { type: "restart", node: "n3" }, source: "user" },
    ],
    playheadMs: 6000,
  };
}

describe("share links", () => {
  it("round-trip a session, and the decoded one replays to the same trace hash", async () => {
    const s = session();
    const link = await encodeSessionLink(s);
    expect(link).toMatch(/^s2\.[A-Za-z0-9_-]+$/);
    const back = await decodeSessionLink(link);
    expect(back).toEqual(s);
    const hash = (x: Session) => {
      const sim = createSimulation(x.scenario, { seed: x.seed, inputs: x.inputs });
      sim.runUntil(x.playheadMs);
      return sim.traceHash();
    };
    expect(hash(back)).toBe(hash(s));
  });

  it("migrates version 1 sessions", () => {
    const v1 = { v: 1, scenario: ring, inputs: [{ atMs: 10, input: { type: "heal" } }], t: 500 };
    const s = parseSession(v1);
    expect(s.playheadMs).toBe(500);
    expect(s.seed).toBe(ring.seed);
    expect(s.inputs).toEqual([{ atMs: 10, input: { type: "heal" }, source: "user" }]);
  });

  it("names what is wrong in a tampered or foreign link", async () => {
    const link = await encodeSessionLink(session());
    await expect(decodeSessionLink("hello")).rejects.toThrow(/not a Kafka Sim share link/);
    await expect(decodeSessionLink(link.slice(0, link.length - 9))).rejects.toThrow(ScenarioError);
    await expect(decodeSessionLink(link + "<script>")).rejects.toThrow(/characters a share link never has/);
    const bad = { ...session(), seed: -5 };
    await expect(decodeSessionLink(await encodeSessionLink(bad as Session))).rejects.toThrow(/seed/);
    expect(() => parseSession({ v: 9 })).toThrow(/unknown session version 9/);
    expect(() =>
      parseSession({ v: 2, scenario: { ...ring, toy: { nodes: [] } }, seed: 1, inputs: [], playheadMs: 0 }),
    ).toThrow(/scenario\.toy\.nodes/);
  });

  it("a recorded session becomes a scenario file that replays the same run", () => {
    const s = session();
    const recorded = sessionAsScenario(s, "my demo");
    const direct = createSimulation(s.scenario, { seed: s.seed, inputs: s.inputs });
    direct.runUntil(6000);
    const replay = createSimulation(recorded);
    replay.runUntil(6000);
    // Inputs now come from the scenario rather than the user: the same events, told differently.
    expect(replay.trace.length).toBe(direct.trace.length);
    expect(replay.trace.map((e) => `${e.time}|${e.kind}|${e.actor}`)).toEqual(
      direct.trace.map((e) => `${e.time}|${e.kind}|${e.actor}`),
    );
    expect(recorded.title).toBe("my demo");
  });
});

// ------------------------------------------------------------ fuzz

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("<img src=x onerror=alert(1)>", "__proto__", "constructor", "b99", "all", "-1", ""),
  fc.array(fc.integer(), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 3 }),
);

/** Every path into a JSON value. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === "object")
    for (const k of Object.keys(value)) out.push(...paths(value[k], [...prefix, k]));
  return out;
}

function mutate(doc: Json, at: (string | number)[], op: "set" | "delete" | "addKey", value: Json, key: string): Json {
  const copy = structuredClone(doc);
  if (at.length === 0) return op === "set" ? value : copy;
  let parent: Json = copy;
  for (const p of at.slice(0, -1)) parent = (parent as Record<string, Json>)[p as string];
  const last = at[at.length - 1];
  const container = parent as Record<string, Json> & Json[];
  if (op === "delete") {
    if (Array.isArray(container)) container.splice(last as number, 1);
    else delete container[last as string];
  } else if (op === "addKey") {
    const target = container[last as string];
    if (target !== null && typeof target === "object" && !Array.isArray(target))
      (target as Record<string, Json>)[key] = value;
  } else container[last as string] = value;
  return copy;
}

describe("ids that collide with built-in object names", () => {
  it("are refused with the path named (found by the fuzz test below: a node called constructor)", () => {
    expect(() => createSimulation({ ...ring, toy: { nodes: ["n1", "constructor"] } })).toThrow(
      /toy\.nodes\[1\].*built-in object names/,
    );
  });

  it("are refused as group ids and transactional ids too (fuzz: a group called __proto__ crashed the coordinator)", () => {
    const withGroups = library.find((s) => Array.isArray(s.consumers) && s.consumers.length > 0)!;
    const consumers = structuredClone(withGroups.consumers) as Record<string, unknown>[];
    consumers[0].groupId = "__proto__";
    expect(() => createSimulation({ ...withGroups, consumers })).toThrow(
      /consumers\.0\.groupId|consumers\[0\]\.groupId/,
    );
    const withProducers = library.find((s) => Array.isArray(s.producers) && s.producers.length > 0)!;
    const producers = structuredClone(withProducers.producers) as Record<string, unknown>[];
    producers[0].config = { ...(producers[0].config as object), "transactional.id": "constructor" };
    expect(() => createSimulation({ ...withProducers, producers })).toThrow(/built-in object names/);
  });

  it("are refused in a user's action as well, which is checked like a scenario step", () => {
    const withGroups = library.find((s) => Array.isArray(s.consumers) && s.consumers.length > 0)!;
    const sim = createSimulation(withGroups);
    const topic = (withGroups.topics as { name: string }[])[0].name;
    const before = sim.inputLog.length;
    expect(() => sim.act({ type: "addConsumer", id: "x9", groupId: "__proto__", topics: [topic] })).toThrow(
      ScenarioError,
    );
    expect(() => sim.act({ type: "crash", node: "b1", extra: 1 } as never)).toThrow(/extra|unrecognized/i);
    expect(sim.inputLog.length).toBe(before);
    sim.runUntil(500); // nothing half-applied is left to crash the run
  });
});

describe("fuzz: mutated scenario files and links", () => {
  it("every mutated scenario either loads or fails with a ScenarioError naming a path", () => {
    const docs = library as unknown as Json[];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: docs.length - 1 }),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom("set", "delete", "addKey") as fc.Arbitrary<"set" | "delete" | "addKey">,
            junk,
            fc.string({ maxLength: 10 }),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        (which, ops) => {
          let doc = docs[which];
          for (const [n, op, value, key] of ops) {
            const all = paths(doc);
            doc = mutate(doc, all[n % all.length], op, value, key);
          }
          try {
            const sim = createSimulation(doc);
            sim.runUntil(300); // a valid scenario also starts running
          } catch (e) {
            if (!(e instanceof ScenarioError))
              throw new Error(`not a ScenarioError for ${JSON.stringify(doc).slice(0, 500)}`, { cause: e });
            expect(e.problems.length).toBeGreaterThan(0);
            for (const p of e.problems) expect(p.path).toMatch(/\S/);
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  }, 600_000);

  it("every mutated link either decodes or fails with a ScenarioError", async () => {
    const link = await encodeSessionLink(session());
    const payload = link.slice(3);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: alphabet.length - 1 })), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        async (flips, cut) => {
          const chars = payload.split("");
          for (const [i, c] of flips) chars[i % chars.length] = alphabet[c];
          const mutated = "s2." + chars.join("").slice(0, chars.length - (cut % 5));
          try {
            await decodeSessionLink(mutated);
          } catch (e) {
            if (!(e instanceof ScenarioError)) throw e;
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1000) },
    );
  }, 600_000);
});
