/** Thrown when the engine's own invariants break: a bug in the engine, never bad user input. */
export class EngineInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineInvariantError";
  }
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new EngineInvariantError(message);
}
