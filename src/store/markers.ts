// Timeline markers read from the trace: crashes, faults, leader elections,
// ISR shrinks and expands, controller changes. A scanner walks the trace once,
// in order, remembering each partition's last known leader and ISR so that it
// marks changes only.

import type { TraceEvent } from "../engine/index.ts";

export type MarkerKind =
  | "crash"
  | "restart"
  | "fault"
  | "election"
  | "offline"
  | "isr-shrink"
  | "isr-expand"
  | "controller"
  | "loss"
  | "input";

export interface Marker {
  /** Unique among the markers of a branch. */
  key: string;
  /** The trace event it comes from ("why?" starts there), or 0 for markers the UI derived, like losses. */
  eventId: number;
  time: number;
  kind: MarkerKind;
  text: string;
  /** Partition ("orders-0") or node it concerns, when there is one. */
  subject?: string;
}

export const MARKER_LABEL: Record<MarkerKind, string> = {
  crash: "crash",
  restart: "restart",
  fault: "fault",
  election: "leader change",
  offline: "partition offline",
  "isr-shrink": "ISR shrink",
  "isr-expand": "ISR expand",
  controller: "controller change",
  loss: "lost record",
  input: "action",
};

/** Inputs that record a fault event of their own when applied. */
const FAULT_INPUTS = new Set([
  "crash",
  "restart",
  "pause",
  "partition",
  "isolate",
  "cutLink",
  "heal",
  "slowLink",
  "clogLink",
  "setLoss",
  "setLatency",
  "resetLinks",
  "wipeDisk",
]);

interface PartitionMemo {
  leader: number;
  epoch: number;
  isr: string;
}

/** What the scanner knows between events; reset when the trace is rescanned from the start. */
export interface ScanState {
  partitions: Map<string, PartitionMemo>;
  activeController: string | null;
}

export const freshScanState = (): ScanState => ({ partitions: new Map(), activeController: null });

const ids = (list: string) =>
  list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);

const leaderNumber = (s: string) => (/^-?\d+$/.test(s) ? Number(s) : -1);

/** The KRaft controller's PartitionChangeRecord sentences (controllerLogic.ts) carry the change in text. */
const LEADER_CHANGE = /([A-Za-z0-9._-]+-\d+): leader (\S+) → (\S+) \(leader epoch (\d+)\), ISR \[([\d,]*)\]/;
const ISR_CHANGE = /([A-Za-z0-9._-]+-\d+): ISR \[([\d,]*)\] → \[([\d,]*)\]/;

/** "… (leader epoch 1, ISR [2,3]) …" in a broker's "is now the leader" sentence. */
function isrIn(text: string): number[] | null {
  const m = /ISR \[([\d,]*)\]/.exec(text);
  return m ? ids(m[1]) : null;
}

function data(e: TraceEvent): Record<string, unknown> {
  return (e.data ?? {}) as Record<string, unknown>;
}

/** Markers an event adds (usually none). Updates `state`. */
export function markersFor(e: TraceEvent, state: ScanState): Marker[] {
  const d = data(e);
  const bootstrap = e.time === 0 && e.cause === 0;
  const out: Marker[] = [];
  const partitionChange = (key: string, leader: number | null, epoch: number | null, isr: number[] | null) => {
    const prev = state.partitions.get(key);
    const next: PartitionMemo = {
      leader: leader ?? prev?.leader ?? -1,
      epoch: epoch ?? prev?.epoch ?? 0,
      isr: isr ? isr.join(",") : (prev?.isr ?? ""),
    };
    state.partitions.set(key, next);
    if (bootstrap || !prev) return;
    if (next.leader !== prev.leader || next.epoch > prev.epoch) {
      if (next.leader < 0)
        out.push({
          key: `${e.id}`,
          eventId: e.id,
          time: e.time,
          kind: "offline",
          subject: key,
          text: `${key} has no leader`,
        });
      else if (next.leader !== prev.leader)
        out.push({
          key: `${e.id}`,
          eventId: e.id,
          time: e.time,
          kind: "election",
          subject: key,
          text: `${key}: leader ${prev.leader < 0 ? "none" : `b${prev.leader}`} → b${next.leader} (epoch ${next.epoch})${/unclean/.test(e.text) ? ", unclean" : ""}`,
        });
    }
    if (next.isr !== prev.isr) {
      const shrink = ids(next.isr).length < ids(prev.isr).length;
      // A leader change may change the ISR too (the fenced leader leaves it): both are marked.
      out.push({
        key: `${e.id}:isr`,
        eventId: e.id,
        time: e.time,
        kind: shrink ? "isr-shrink" : "isr-expand",
        subject: key,
        text: `${key}: ISR [${prev.isr}] → [${next.isr}]`,
      });
    }
  };

  switch (e.kind) {
    case "fault": {
      const f = String(d.fault ?? "");
      const kind: MarkerKind = f === "crash" || f === "stop" ? "crash" : f === "restart" ? "restart" : "fault";
      out.push({ key: `${e.id}`, eventId: e.id, time: e.time, kind, subject: e.actor, text: e.text });
      break;
    }
    case "input":
      // Faults get their own marker when they take effect; other actions (expire a session, crash the active
      // controller, create a topic, change acks…) are marked here, the user's and the scenario's alike.
      if (!FAULT_INPUTS.has(String(d.type)))
        out.push({ key: `${e.id}`, eventId: e.id, time: e.time, kind: "input", text: e.text });
      break;
    case "state":
      if (d.role === "leader" && typeof d.topic === "string" && typeof d.partition === "number") {
        const broker = Number(e.actor.replace(/^b/, ""));
        const key = `${d.topic}-${d.partition}`;
        const prev = state.partitions.get(key);
        // A broker learns it leads after the controller decided; mark only what the controller has not told us.
        if (!prev || prev.leader !== broker || prev.epoch < Number(d.leaderEpoch ?? 0))
          partitionChange(key, broker, Number(d.leaderEpoch ?? 0), isrIn(e.text));
      }
      break;
    case "note": {
      if (d.recordType === "PartitionChangeRecord" || d.recordType === "PartitionRecord") {
        const lc = LEADER_CHANGE.exec(e.text);
        if (lc) partitionChange(lc[1], leaderNumber(lc[3]), Number(lc[4]), ids(lc[5]));
        else {
          const ic = ISR_CHANGE.exec(e.text);
          if (ic) {
            const prev = state.partitions.get(ic[1]);
            // The sentence names the ISR before the change: trust it over what we remembered.
            if (prev) prev.isr = ids(ic[2]).join(",");
            else state.partitions.set(ic[1], { leader: -1, epoch: 0, isr: ids(ic[2]).join(",") });
            partitionChange(ic[1], null, null, ids(ic[3]));
          }
        }
      } else if (Array.isArray(d.isr) && typeof d.topic === "string" && typeof d.partition === "number") {
        partitionChange(`${d.topic}-${d.partition}`, null, null, d.isr as number[]);
      }
      break;
    }
    case "emit": {
      if (d.zk === "partitionState" && typeof d.key === "string") {
        partitionChange(d.key, Number(d.leader), Number(d.leaderEpoch), (d.isr as number[]) ?? null);
      } else if (d.zk === "controllerElected") {
        const next = `b${String(d.broker)}`;
        if (state.activeController !== next && !bootstrap)
          out.push({ key: `${e.id}`, eventId: e.id, time: e.time, kind: "controller", subject: next, text: e.text });
        state.activeController = next;
      } else if (d.type === "kraft.quorum" && d.state === "Leader") {
        if (state.activeController !== e.actor && !bootstrap)
          out.push({ key: `${e.id}`, eventId: e.id, time: e.time, kind: "controller", subject: e.actor, text: e.text });
        state.activeController = e.actor;
      }
      break;
    }
    default:
      break;
  }
  return out;
}
