// Every built-in scenario is a test: it must load, run headless and meet all
// its expectations, deterministically.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { libraryPaths, loadScenarioFile, REPO_ROOT, runScenario } from "../cli/runScenario.ts";
import { libraryText, LibraryTextNotLoaded, loadLibraryTexts, scenarioLibrary } from "./library.ts";
import { parseScenarioText } from "./parseText.ts";

const paths = libraryPaths();

describe("built-in scenarios", () => {
  it("the browser bundle and the command line see the same files", () => {
    expect(scenarioLibrary.map((e) => e.path)).toEqual(paths);
  });

  it.each(paths)("%s meets every expectation, the same way twice", (path) => {
    const value = loadScenarioFile(join(REPO_ROOT, path));
    const first = runScenario(value);
    const failed = first.expectations.filter((e) => !e.ok);
    expect(failed, `seed=${first.seed}`).toEqual([]);
    expect(first.expectations.length).toBeGreaterThan(0);
    expect(runScenario(value).traceHash).toBe(first.traceHash);
  });

  it("the first page carries only the first scenario's text; the rest arrive with loadLibraryTexts", async () => {
    const later = scenarioLibrary.find((e) => !e.id.startsWith("01-"))!;
    expect(() => libraryText(later.id)).toThrow(LibraryTextNotLoaded);
    expect(libraryText(scenarioLibrary.find((e) => e.id.startsWith("01-"))!.id)).toMatch(/"title"/);
    await loadLibraryTexts();
    expect(libraryText(later.id)).toMatch(/"title"/);
  });

  it.each(paths)("%s parses the same from the bundled text, and the index has its title", async (path) => {
    await loadLibraryTexts();
    const entry = scenarioLibrary.find((e) => e.path === path)!;
    const value = loadScenarioFile(join(REPO_ROOT, path)) as { title: string; cluster?: unknown };
    expect(parseScenarioText(libraryText(entry.id), path)).toEqual(value);
    expect(entry.title).toBe(value.title);
    expect(entry.cluster).toBe(value.cluster !== undefined);
  });
});

describe("the scenario command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "kafka-sim-cli-"));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli/scenario.ts"), ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });

  it("--list prints every built-in scenario's path, one a line", () => {
    const r = cli("--list");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(paths);
  });

  it("exits 0 and prints traceHash and expectations with --json", () => {
    const r = cli(paths[0], "--json", "--seed", "5");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(out.seed).toBe(5);
    expect(Array.isArray(out.expectations)).toBe(true);
    expect(out.lostAcknowledgedRecords).toEqual([]);
  });

  it("exits 1 when an expectation fails", () => {
    const file = join(dir, "failing.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        title: "fails",
        toy: { nodes: ["a", "b"] },
        expectations: [{ type: "traceText", contains: "never said" }],
      }),
    );
    const r = cli(file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+event mentions "never said"/);
  });

  it("exits 2 and names the path of what is wrong", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      "version: 1\ntitle: bad\ntoy: { nodes: [a, b] }\nsteps:\n  - { atMs: 5, do: { type: crash, node: zz } }\n",
    );
    const r = cli(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/steps\[0\]\.do\.node: no node "zz"/);
  });

  it("exits 2 on bad arguments and on a missing file", () => {
    expect(cli(paths[0], "--seed", "abc").status).toBe(2);
    expect(cli(join(dir, "missing.json")).status).toBe(2);
    expect(cli().status).toBe(2);
  });
});
