// Prints one plain closing line, "tests: N passed, N failed, N skipped", from
// the Vitest and Playwright JSON reports plus the whole-tree checks (types,
// lint, format, browser install), each counted as one test. Exits 1 if
// anything failed, a report is missing, or nothing ran at all.
import { existsSync, readFileSync } from "node:fs";

const [vitestPath, playwrightPath, checksPassed = "0", checksFailed = "0"] = process.argv.slice(2);
const read = (p) => {
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, "utf8"));
  } catch {
    return null;
  }
};

let passed = Number(checksPassed);
let failed = Number(checksFailed);
let skipped = 0;

const vitest = read(vitestPath);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  // A test file that fails to load has no tests in it: count it as a failure.
  failed += (vitest.testResults ?? []).filter(
    (f) => f.status === "failed" && (f.assertionResults ?? []).length === 0,
  ).length;
} else {
  console.error(`missing or unreadable ${vitestPath}`);
  failed += 1;
}

const pw = read(playwrightPath);
if (pw) {
  passed += pw.stats.expected + pw.stats.flaky;
  failed += pw.stats.unexpected;
  skipped += pw.stats.skipped;
  if ((pw.errors ?? []).length > 0) failed += 1;
} else {
  console.error(`missing or unreadable ${playwrightPath}`);
  failed += 1;
}

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exit(1);
