// The engine's public API (design.md §5), as the page imports it: ZooKeeper
// mode is not loaded until loadControllerMode("zookeeper") is awaited (a
// scenario that needs it throws ControllerModeNotLoaded before). Node code
// imports index.ts, which re-exports all of this with every mode loaded.
// The names and shapes in design.md §5 are a contract; add freely, never break.

export { createSimulation, createSimulationLoadingModes, Simulation, defaultRegistry } from "./simulation.ts";
export type { ActorView, MessageInFlight, Narration, SimulationOptions } from "./simulation.ts";
export { parseScenario } from "./scenario/load.ts";
export { ScenarioError } from "./scenario/errors.ts";
export type { ScenarioProblem } from "./scenario/errors.ts";
export { scenarioSchema, inputSchema, SCENARIO_FORMAT_VERSION } from "./scenario/schema.ts";
export type { Scenario, ScenarioInput, Expectation, SimulationInput } from "./scenario/schema.ts";
export type { ExpectationVerdict } from "./scenario/expectations.ts";
export { Prng } from "./core/prng.ts";
export {
  traceHash,
  causeChain,
  formatTraceEvent,
  SendTraceEvent,
  DeliverTraceEvent,
  TimerTraceEvent,
} from "./core/trace.ts";
export type { TraceEvent, TraceKind } from "./core/trace.ts";
export type { InputEntry, SimInput } from "./world/types.ts";
export type { Branch } from "./world/timeTravel.ts";

// Kafka's client-side algorithms (design.md §5): exact to Kafka, tested against its vectors.
export { murmur2, toPositive, partitionForKey } from "./clients/partitioner.ts";
export { coordinatorPartition } from "./groups/coordinatorPartition.ts";
export { assign } from "./groups/assign.ts";
export { KafkaAssignorError } from "./groups/assignors/common.ts";
export type { AssignorName, AssignInput } from "./groups/assign.ts";

// The cluster: views, checker results, and the pieces tests build worlds from.
export type { ClusterView, PartitionView, ReplicaView, BrokerView, ProducerView, RecordView } from "./kafka/views.ts";
export type { LostRecord, Violation, GuaranteeName } from "./kafka/checker.ts";
export { GUARANTEES } from "./kafka/checker.ts";
export type { ControlPlaneView, KraftDetail, ZookeeperDetail } from "./kafka/controlPlane.ts";
export { ControllerModeNotLoaded, loadControllerMode } from "./kafka/controlPlanes.ts";
export type { ControllerMode } from "./kafka/spec.ts";
