// The broker actor: its lifecycle machine (control plane of the process) plus
// the data plane of replicaManager.ts, and the hooks through which the
// controller mode in use (KRaft or ZooKeeper) talks to it.

import type { Engine } from "../../world/engine.ts";
import type { ActorKind, ActorRecord, SimEvent } from "../../world/types.ts";
import type { ClusterContext } from "../context.ts";
import { brokerIdOf } from "../ids.ts";
import { brokerMachine, type BrokerMachineInput } from "./broker.machine.ts";
import { cloneBrokerData, freshBrokerData, type BrokerData, type Disk } from "./brokerData.ts";
import {
  BROKER_TIMER,
  dataOf,
  ensureFetchers,
  handleProduce,
  handleReplicaFetch,
  handleReplicaFetchResponse,
  onAlterPartitionRetry,
  onCleanerTick,
  onFetchBackoff,
  onFetchConnectionRefused,
  onFetchRequestTimeout,
  onFetchWaitExpired,
  onHwCheckpointTick,
  onIsrShrinkTick,
  onProduceTimeout,
  onRetentionTick,
  recoverLogsAfterRestart,
  startPeriodicTasks,
  type ProduceRequest,
  type ReplicaFetchRequest,
  type ReplicaFetchResponse,
} from "./replicaManager.ts";
import { handleMetadataRequest, type MetadataRequest } from "./metadataRequests.ts";
import {
  handleConsumerFetch,
  handleListOffsets,
  onConsumerFetchExpired,
  type ConsumerFetchRequest,
  type ListOffsetsRequest,
} from "./consumerFetch.ts";

export const BROKER_KIND = "broker";

export interface BrokerConfigInput extends Record<string, unknown> {
  brokerId: number;
  /** True for brokers of the cluster a scenario starts with. */
  bootstrapped: boolean;
}

/** The lifecycle state name (RUNNING, STARTING…) or "NOT_RUNNING" when down. */
export function brokerLifecycle(actor: ActorRecord): string {
  if (!actor.alive) return "NOT_RUNNING";
  const v = actor.snapshot?.value;
  return typeof v === "string" ? v : typeof v === "object" && v !== null ? Object.keys(v)[0] : "UNKNOWN";
}

/** Serving client and replica requests: RUNNING or draining in controlled shutdown. */
export function isServing(actor: ActorRecord): boolean {
  const s = brokerLifecycle(actor);
  return s === "RUNNING" || s === "PENDING_CONTROLLED_SHUTDOWN";
}

export function createBrokerKind(ctx: ClusterContext): ActorKind {
  return {
    kind: BROKER_KIND,
    machine: brokerMachine,
    machineInput(actor): BrokerMachineInput {
      const cfg = actor.config as BrokerConfigInput;
      const d = actor.data as Partial<BrokerData>;
      const fresh = actor.incarnation === 0 && cfg.bootstrapped;
      return {
        brokerId: cfg.brokerId,
        bootstrapped: fresh,
        startupMs: ctx.spec.timings.brokerStartupMs,
        logRecoveryMs: d.disk?.cleanShutdown ? 0 : ctx.spec.timings.brokerLogRecoveryMs,
      };
    },
    createData(actor) {
      const cfg = actor.config as BrokerConfigInput;
      const previous = actor.data as Partial<BrokerData>;
      // The disk survives a crash; the process memory does not.
      const disk: Disk = previous.disk
        ? { ...previous.disk, logs: { ...previous.disk.logs } }
        : { logs: {}, hwCheckpoint: {}, cleanShutdown: true };
      const d = freshBrokerData(cfg.brokerId, disk);
      if (previous.disk) recoverLogsAfterRestart(d);
      return d;
    },
    cloneData: (data) => cloneBrokerData(data as BrokerData),
    onEvent(engine, actor, event) {
      return routeBrokerEvent(ctx, engine, actor, event);
    },
    effects: {
      beginRegistration(engine, actor) {
        const d = dataOf(actor);
        d.disk.cleanShutdown = false;
        ctx.controlPlane.brokerStarting(engine, actor);
      },
      enteredRunning(engine, actor) {
        startPeriodicTasks(ctx, engine, actor);
        ensureFetchers(ctx, engine, actor);
      },
      requestControlledShutdown(engine, actor) {
        engine.record(
          "note",
          actor.id,
          `broker ${dataOf(actor).brokerId} asks the controller for a controlled shutdown: its leaderships move first`,
        );
        ctx.controlPlane.requestControlledShutdown(engine, actor);
      },
      finishShutdown(engine, actor) {
        dataOf(actor).disk.cleanShutdown = true;
        engine.stop(actor.id, "clean shutdown complete (logs flushed, no recovery needed on restart)");
      },
    },
    onCrash(engine, actor) {
      dataOf(actor).disk.cleanShutdown = false;
      void engine;
    },
    onStop(engine, actor) {
      ctx.controlPlane.brokerStopped(engine, actor);
    },
  };
}

const CONTROL_PREFIXES = ["kraft.", "zk.", "controller."];

function startsWithAny(type: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (type.startsWith(p)) return true;
  return false;
}

// Runs for every message and timer a broker gets: plain loops, no closures.
function routeBrokerEvent(ctx: ClusterContext, engine: Engine, actor: ActorRecord, event: SimEvent): boolean {
  const type = event.type;
  if (startsWithAny(type, CONTROL_PREFIXES)) return ctx.controlPlane.handleBrokerEvent(engine, actor, event);
  for (const m of ctx.brokerModules) {
    if (startsWithAny(type, m.prefixes)) {
      if (isServing(actor) || type.endsWith("Tick") || type.endsWith("Timeout")) m.handle(engine, actor, event);
      return true;
    }
  }
  if (
    type.startsWith("xstate.") ||
    type === "broker.unfenced" ||
    type === "broker.shutdownRequested" ||
    type === "broker.shutdownComplete"
  )
    return false; // the lifecycle machine
  switch (type) {
    case "Produce":
      if (!isServing(actor)) return answerNotReady(engine, actor, event);
      handleProduce(ctx, engine, actor, fromOf(event), event as unknown as ProduceRequest);
      return true;
    case "Fetch":
      if (!isServing(actor)) return true; // a starting broker does not answer; the follower's fetch times out
      handleReplicaFetch(ctx, engine, actor, event as unknown as ReplicaFetchRequest);
      return true;
    case "FetchResponse":
      handleReplicaFetchResponse(ctx, engine, actor, event as unknown as ReplicaFetchResponse);
      return true;
    case "ConnectionRefused":
      if (event.requestType === "Fetch")
        onFetchConnectionRefused(ctx, engine, actor, brokerIdOf(String(event.from)) ?? -1, Number(event.fetchSeq));
      return true;
    case "ConsumerFetch":
      if (!isServing(actor)) return true;
      handleConsumerFetch(engine, actor, event as unknown as ConsumerFetchRequest);
      return true;
    case "ListOffsets":
      if (!isServing(actor)) return true;
      handleListOffsets(engine, actor, event as unknown as ListOffsetsRequest);
      return true;
    case "broker.consumerFetchExpired":
      onConsumerFetchExpired(engine, actor, String(event.client), Number(event.requestId));
      return true;
    case "Metadata":
      handleMetadataRequest(engine, actor, event as unknown as MetadataRequest);
      return true;
    case BROKER_TIMER.isrShrink:
      onIsrShrinkTick(ctx, engine, actor);
      return true;
    case BROKER_TIMER.hwCheckpoint:
      onHwCheckpointTick(ctx, engine, actor);
      return true;
    case BROKER_TIMER.retention:
      onRetentionTick(ctx, engine, actor);
      return true;
    case BROKER_TIMER.cleaner:
      onCleanerTick(ctx, engine, actor);
      return true;
    case BROKER_TIMER.produceTimeout:
      onProduceTimeout(engine, actor, String(event.client), Number(event.requestId));
      return true;
    case BROKER_TIMER.fetchWaitExpired:
      onFetchWaitExpired(engine, actor, Number(event.replicaId), Number(event.fetchSeq));
      return true;
    case BROKER_TIMER.fetchRequestTimeout:
      onFetchRequestTimeout(ctx, engine, actor, Number(event.leader), Number(event.fetchSeq));
      return true;
    case BROKER_TIMER.fetchBackoff:
      onFetchBackoff(ctx, engine, actor, Number(event.leader));
      return true;
    case "broker.alterPartitionRetry":
      onAlterPartitionRetry(ctx, engine, actor, String(event.key));
      return true;
    default:
      engine.record("note", actor.id, `broker ${dataOf(actor).brokerId} ignored an unexpected ${type}`);
      return true;
  }
}

/** The sender of a network message: clients put their actor id in `from`. */
function fromOf(event: SimEvent): string {
  return String(event.from);
}

function answerNotReady(engine: Engine, actor: ActorRecord, event: SimEvent): boolean {
  const req = event as unknown as ProduceRequest & { from: string };
  if (req.acks !== 0) {
    engine.send(actor.id, req.from, {
      type: "ProduceResponse",
      requestId: req.requestId,
      broker: dataOf(actor).brokerId,
      partitions: req.partitions.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        error: "NOT_LEADER_OR_FOLLOWER",
        baseOffset: -1,
        leaderEpoch: -1,
      })),
    });
  }
  return true;
}
