// npm run scenario -- FILE [--seed N] [--until MS] [--json]
// npm run scenario -- --list
//
// Exit codes: 0 every expectation held; 1 one failed; 2 the input (file or
// arguments) is invalid, with a message that names what is wrong.

import { ScenarioError } from "../engine/index.ts";
import { libraryPaths, loadScenarioFile, runScenario } from "./runScenario.ts";

const USAGE = `usage: npm run scenario -- FILE [--seed N] [--until MS] [--json]
       npm run scenario -- --list

Runs a scenario headless and prints what happened and each expectation's verdict.
  FILE        a scenario in JSON or YAML (see docs/scenarios.md)
  --seed N    override the scenario's seed (an integer 0..4294967295)
  --until MS  run to this virtual time in ms (default: the scenario's durationMs)
  --json      print one JSON object: traceHash, expectations, lostAcknowledgedRecords, ...
  --list      print the path of every built-in scenario, one a line
Exit codes: 0 all expectations held, 1 one failed, 2 invalid input.`;

interface Args {
  file?: string;
  seed?: number;
  untilMs?: number;
  json: boolean;
  list: boolean;
  help: boolean;
}

class UsageError extends Error {}

function parseIntArg(name: string, value: string | undefined, max: number): number {
  if (value === undefined || !/^\d+$/.test(value))
    throw new UsageError(
      `${name} needs a non-negative integer, got ${value === undefined ? "nothing" : JSON.stringify(value)}`,
    );
  const n = Number(value);
  if (n > max) throw new UsageError(`${name} must be at most ${max}, got ${value}`);
  return n;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, list: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") args.json = true;
    else if (a === "--list") args.list = true;
    else if (a === "--help" || a === "-h") args.help = true;
    else if (a === "--seed") args.seed = parseIntArg("--seed", argv[++i], 0xffffffff);
    else if (a === "--until") args.untilMs = parseIntArg("--until", argv[++i], 7 * 86_400_000);
    else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else if (args.file === undefined) args.file = a;
    else throw new UsageError(`only one FILE is accepted (got ${JSON.stringify(args.file)} and ${JSON.stringify(a)})`);
  }
  return args;
}

function main(argv: string[]): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.list) {
    for (const p of libraryPaths()) console.log(p);
    return 0;
  }
  if (!args.file) {
    console.error(`error: no scenario FILE given\n\n${USAGE}`);
    return 2;
  }
  let result;
  try {
    result = runScenario(loadScenarioFile(args.file), {
      seed: args.seed,
      untilMs: args.untilMs,
    });
  } catch (e) {
    if (e instanceof ScenarioError) {
      if (args.json)
        console.log(JSON.stringify({ ok: false, error: "invalid scenario", problems: e.problems }, null, 2));
      else console.error(`${args.file}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (args.json) {
    const { sim: _sim, ...plain } = result;
    console.log(JSON.stringify(plain, null, 2));
  } else {
    console.log(`${result.title}`);
    console.log(`seed ${result.seed}, ran to ${result.untilMs} ms of virtual time, ${result.events} events`);
    for (const n of result.narration) console.log(`  ${(n.atMs / 1000).toFixed(1).padStart(6)} s  ${n.text}`);
    console.log("expectations:");
    if (result.expectations.length === 0) console.log("  (none)");
    for (const e of result.expectations) console.log(`  ${e.ok ? "PASS" : "FAIL"}  ${e.name} (${e.detail})`);
    console.log(`trace hash ${result.traceHash}`);
  }
  return result.ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
