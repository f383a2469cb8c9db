// The broker lifecycle as a statechart to draw: Kafka's BrokerState names
// (the engine's broker.machine.ts), fixed positions in a 330 × 176 box.
// Pure data: the view highlights the state the broker is in.

export interface ChartState {
  id: string;
  /** Lines of the label (long Kafka names are broken at underscores). */
  lines: string[];
  x: number;
  y: number;
  w: number;
  h: number;
  /** Parent state for substates. */
  parent?: string;
}

export interface ChartTransition {
  from: string;
  to: string;
  label: string;
  /** Polyline points from → to. */
  points: [number, number][];
  labelAt: [number, number];
}

export const BROKER_CHART = {
  width: 330,
  height: 176,
  states: [
    { id: "NOT_RUNNING", lines: ["NOT_RUNNING"], x: 4, y: 8, w: 92, h: 34 },
    { id: "STARTING", lines: ["STARTING"], x: 118, y: 8, w: 76, h: 34 },
    { id: "RECOVERY", lines: ["RECOVERY"], x: 214, y: 2, w: 112, h: 82 },
    { id: "RECOVERY.recoveringLogs", lines: ["recovering logs"], x: 222, y: 22, w: 96, h: 24, parent: "RECOVERY" },
    { id: "RECOVERY.awaitingUnfence", lines: ["awaiting unfence"], x: 222, y: 54, w: 96, h: 24, parent: "RECOVERY" },
    { id: "RUNNING", lines: ["RUNNING"], x: 226, y: 124, w: 88, h: 34 },
    { id: "PENDING_CONTROLLED_SHUTDOWN", lines: ["PENDING_CONTROLLED", "_SHUTDOWN"], x: 96, y: 120, w: 114, h: 42 },
    { id: "SHUTTING_DOWN", lines: ["SHUTTING", "_DOWN"], x: 4, y: 120, w: 76, h: 42 },
  ] satisfies ChartState[],
  transitions: [
    {
      from: "NOT_RUNNING",
      to: "STARTING",
      label: "start",
      points: [
        [96, 25],
        [118, 25],
      ],
      labelAt: [107, 19],
    },
    {
      from: "STARTING",
      to: "RECOVERY",
      label: "",
      points: [
        [194, 25],
        [214, 25],
      ],
      labelAt: [0, 0],
    },
    {
      from: "RECOVERY.recoveringLogs",
      to: "RECOVERY.awaitingUnfence",
      label: "",
      points: [
        [270, 46],
        [270, 54],
      ],
      labelAt: [0, 0],
    },
    {
      from: "RECOVERY",
      to: "RUNNING",
      label: "unfenced",
      points: [
        [270, 84],
        [270, 124],
      ],
      labelAt: [276, 108],
    },
    {
      from: "RUNNING",
      to: "PENDING_CONTROLLED_SHUTDOWN",
      label: "shutdown",
      points: [
        [226, 141],
        [210, 141],
      ],
      labelAt: [218, 172],
    },
    {
      from: "PENDING_CONTROLLED_SHUTDOWN",
      to: "SHUTTING_DOWN",
      label: "leaders moved",
      points: [
        [96, 141],
        [80, 141],
      ],
      labelAt: [88, 172],
    },
    {
      from: "SHUTTING_DOWN",
      to: "NOT_RUNNING",
      label: "stopped",
      points: [
        [42, 120],
        [42, 42],
      ],
      labelAt: [46, 86],
    },
  ] satisfies ChartTransition[],
};

/** The chart state to highlight for a broker ("RECOVERY.awaitingUnfence", or NOT_RUNNING when down). */
export function chartStateOf(actorState: string | undefined): string {
  if (!actorState || actorState === "down") return "NOT_RUNNING";
  return actorState;
}
