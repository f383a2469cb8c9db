import type { z } from "zod/mini";

/** One thing wrong with a scenario: where, and what. */
export interface ScenarioProblem {
  /** A path such as `steps[2].do.node`, or `(root)`. */
  path: string;
  message: string;
}

/** A scenario that cannot be used. The message lists every problem with its path. */
export class ScenarioError extends Error {
  readonly problems: ScenarioProblem[];

  constructor(problems: ScenarioProblem[], context = "scenario") {
    const lines = problems.slice(0, 20).map((p) => `  - ${p.path}: ${p.message}`);
    if (problems.length > 20) lines.push(`  … and ${problems.length - 20} more`);
    super(`invalid ${context}:\n${lines.join("\n")}`);
    this.name = "ScenarioError";
    this.problems = problems;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

function describeFound(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "string")
    return `the text ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + "…" : input)}`;
  if (typeof input === "object") return "an object";
  return `${typeof input} ${String(input)}`;
}

/** Turns zod's issues into problems that name the path, what was expected and what was found. */
type Issue = z.core.$ZodIssue;

/**
 * Turns zod's issues into problems that name the path, what was expected and
 * what was found. For a value that matches none of several shapes (a step, an
 * action), it reports the closest shape's problems instead of "invalid input".
 */
export function problemsFromZod(error: z.core.$ZodError, root: unknown): ScenarioProblem[] {
  return error.issues.flatMap((issue) => describeIssue(issue, [], root));
}

function describeIssue(issue: Issue, base: PropertyKey[], root: unknown): ScenarioProblem[] {
  const fullPath = [...base, ...issue.path];
  if (issue.code === "invalid_union" && Array.isArray((issue as { errors?: unknown }).errors)) {
    const branches = (issue as unknown as { errors: Issue[][] }).errors.filter((b) => b.length > 0);
    if (branches.length > 0) {
      // The closest branch: the one whose problems lie deepest (it matched the most), then the fewest problems.
      const depth = (b: Issue[]) => Math.max(...b.map((x) => x.path.length));
      const best = branches.slice().sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
      if (depth(best) > 0 || best.length === 1) return best.flatMap((x) => describeIssue(x, fullPath, root));
    }
  }
  const path = formatPath(fullPath);
  let found: unknown = root;
  for (const p of fullPath)
    found = found && typeof found === "object" ? (found as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
  let message = issue.message;
  if (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_union") {
    message = `${issue.message}; found ${describeFound(found)}`;
  }
  if (issue.code === "unrecognized_keys")
    message = `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  return [{ path, message }];
}
