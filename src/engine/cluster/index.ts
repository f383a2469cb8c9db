// The cluster's data plane and rule layer: pure functions over plain,
// JSON-serializable data. See CONTEXT.md.

export * from "./common.ts";
export * from "./errors.ts";
export * from "./epochCache.ts";
export * from "./log.ts";
export * from "./replication.ts";
export * from "./partition.ts";
export * from "./election.ts";
