// The one door into the engine for the command line, the tests and outside
// checkers (Node): everything in api.ts, with every controller mode loaded.
// The page imports api.ts instead and loads ZooKeeper mode on demand.
// The names and shapes in design.md §5 are a contract; add freely, never break.

import { registerAllControlPlanes } from "./kafka/allControlPlanes.ts";

registerAllControlPlanes();

export * from "./api.ts";
