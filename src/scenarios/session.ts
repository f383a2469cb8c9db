// A session: the scenario that was open, the seed, what the user did (the
// input log) and where the playhead was. Sessions travel in share links and
// can be saved as scenario files ("record a demo by doing it").

import { z } from "zod/mini";
import {
  inputSchema,
  ScenarioError,
  parseScenario,
  type InputEntry,
  type Scenario,
  type ScenarioProblem,
} from "../engine/api.ts";
import { problemsFromZod } from "../engine/scenario/errors.ts";

export const SESSION_VERSION = 2;

export interface Session {
  scenario: Scenario;
  seed: number;
  /** The user's own actions (the scenario's steps are in the scenario). */
  inputs: InputEntry[];
  playheadMs: number;
}

const userInputSchema = z.strictObject({
  atMs: z.number().check(z.minimum(0), z.maximum(7 * 86_400_000)),
  input: inputSchema,
});

const sessionSchemaV2 = z.strictObject({
  v: z.literal(2),
  scenario: z.unknown(),
  seed: z.number().check(z.int(), z.minimum(0), z.maximum(0xffffffff)),
  inputs: z.array(userInputSchema).check(z.maxLength(10_000)),
  playheadMs: z.number().check(z.minimum(0), z.maximum(7 * 86_400_000)),
});

/** Version 1 links (the kernel preview) had the playhead as `t` and no seed of their own. */
const sessionSchemaV1 = z.strictObject({
  v: z.literal(1),
  scenario: z.unknown(),
  inputs: z.array(userInputSchema).check(z.maxLength(10_000)),
  t: z.number().check(z.minimum(0)),
});

function migrate(raw: unknown): unknown {
  const v = (raw as { v?: unknown } | null)?.v;
  if (v === 1) {
    const old = sessionSchemaV1.safeParse(raw);
    if (!old.success) throw new ScenarioError(problemsFromZod(old.error, raw), "share link (version 1)");
    const seed = ((old.data.scenario as { seed?: unknown }) ?? {}).seed;
    return {
      v: 2,
      scenario: old.data.scenario,
      seed: typeof seed === "number" ? seed : 1,
      inputs: old.data.inputs,
      playheadMs: old.data.t,
    };
  }
  return raw;
}

/** Validates a decoded session object (any supported version), naming every problem by path. */
export function parseSession(raw: unknown): Session {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ScenarioError([{ path: "(root)", message: "a session must be an object" }], "share link");
  }
  const v = (raw as { v?: unknown }).v;
  if (v !== 1 && v !== 2) {
    throw new ScenarioError(
      [{ path: "v", message: `unknown session version ${JSON.stringify(v)}; this app reads versions 1 and 2` }],
      "share link",
    );
  }
  const current = migrate(raw);
  const parsed = sessionSchemaV2.safeParse(current);
  if (!parsed.success) throw new ScenarioError(problemsFromZod(parsed.error, current), "share link");
  let scenario: Scenario;
  try {
    scenario = parseScenario(parsed.data.scenario, "share link");
  } catch (e) {
    if (e instanceof ScenarioError) {
      throw new ScenarioError(
        e.problems.map((p): ScenarioProblem => ({
          path: p.path === "(root)" ? "scenario" : `scenario.${p.path}`,
          message: p.message,
        })),
        "share link",
      );
    }
    throw e;
  }
  return {
    scenario,
    seed: parsed.data.seed,
    inputs: parsed.data.inputs.map((x) => ({ atMs: x.atMs, input: x.input, source: "user" as const })),
    playheadMs: parsed.data.playheadMs,
  };
}

export function sessionToJson(s: Session): Record<string, unknown> {
  return {
    v: SESSION_VERSION,
    scenario: s.scenario,
    seed: s.seed,
    inputs: s.inputs.map((x) => ({ atMs: x.atMs, input: x.input })),
    playheadMs: s.playheadMs,
  };
}

/**
 * The session as a scenario file: the user's actions become timed steps, so
 * a demo made by clicking can be replayed, shared and run headless.
 */
export function sessionAsScenario(s: Session, title?: string): Record<string, unknown> {
  const steps = [...s.scenario.steps, ...s.inputs.map((x) => ({ atMs: x.atMs, do: x.input }))];
  // Stable order by time: scenario steps first at equal times, as they were applied.
  const ordered = steps
    .map((step, i) => ({ step, i, at: "atMs" in step ? (step as { atMs: number }).atMs : -1 }))
    .sort((a, b) => (a.at < 0 || b.at < 0 ? a.i - b.i : a.at - b.at || a.i - b.i))
    .map((x) => x.step);
  return {
    ...s.scenario,
    title: title ?? `${s.scenario.title} (recorded)`,
    seed: s.seed,
    durationMs: Math.max(s.scenario.durationMs, Math.ceil(s.playheadMs)),
    steps: ordered,
  };
}

// ------------------------------------------------------------ links

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text))
    throw new ScenarioError(
      [{ path: "(link)", message: "the link contains characters a share link never has" }],
      "share link",
    );
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new ScenarioError([{ path: "(link)", message: "the link is not valid base64url" }], "share link");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const response = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await response.arrayBuffer());
}

/** The largest decompressed session a link may carry (a guard against decompression bombs). */
export const MAX_SESSION_BYTES = 2_000_000;

/** Encodes a session for the URL fragment: "s2." + deflate-raw + base64url. */
export async function encodeSessionLink(s: Session): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(sessionToJson(s)));
  return `s${SESSION_VERSION}.${toBase64Url(await pipe(json, new CompressionStream("deflate-raw")))}`;
}

/** Decodes a share link's payload; any problem becomes a ScenarioError that says what is wrong. */
export async function decodeSessionLink(payload: string): Promise<Session> {
  const m = /^s(\d+)\.(.*)$/.exec(payload.trim());
  if (!m)
    throw new ScenarioError(
      [{ path: "(link)", message: 'not a Kafka Sim share link (expected "s2.…")' }],
      "share link",
    );
  const bytes = fromBase64Url(m[2]);
  let inflated: Uint8Array;
  try {
    inflated = await pipe(bytes, new DecompressionStream("deflate-raw"));
  } catch {
    throw new ScenarioError(
      [{ path: "(link)", message: "the link is damaged: its data does not decompress (was it cut or edited?)" }],
      "share link",
    );
  }
  if (inflated.length > MAX_SESSION_BYTES)
    throw new ScenarioError(
      [{ path: "(link)", message: `the link's session is larger than ${MAX_SESSION_BYTES} bytes` }],
      "share link",
    );
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(inflated));
  } catch {
    throw new ScenarioError([{ path: "(link)", message: "the link's data is not valid JSON" }], "share link");
  }
  return parseSession(raw);
}
