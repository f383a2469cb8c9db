import { useEffect } from "react";
import {
  act,
  currentDerived,
  explainEvent,
  faster,
  nextBeat,
  reset,
  seekTo,
  select,
  simStore,
  slower,
  stepOnce,
  stepToNextEvent,
  togglePlay,
} from "../store/simStore.ts";
import { sendZoom } from "./zoomCommands.ts";

export const SHORTCUTS: [string, string][] = [
  ["Space", "Play or pause"],
  [".", "Step one event"],
  [",", "Step to the next event worth reading"],
  ["n", "Play to the next narration beat"],
  ["[ / ]", "Go to the previous / next timeline marker"],
  ["+ / -", "Faster / slower"],
  ["1 – 9", "Select broker 1 – 9"],
  ["i / o", "Zoom the cluster in / out (or the mouse wheel); drag the background or Shift + wheel to pan"],
  ["0", "Fit the cluster's width to the view"],
  ["x", "Crash the selected broker (or controller)"],
  ["u", "Restart the selected broker (or controller)"],
  ["Esc", "Clear the selection"],
  ["← / →", "Partition mode: move the focused node to the island on the left / right"],
  ["r", "Reset the scenario"],
  ["?", "Show or hide this list"],
];

function selectedNode(): string | null {
  const s = simStore.getState().selection;
  if (s?.kind === "broker") return `b${s.id}`;
  if (s?.kind === "controlNode") return s.id;
  return null;
}

function jumpToMarker(direction: 1 | -1): void {
  const { sim } = simStore.getState();
  const markers = currentDerived().markers;
  const now = sim.nowMs;
  const m =
    direction > 0 ? markers.find((x) => x.time > now + 0.5) : [...markers].reverse().find((x) => x.time < now - 0.5);
  if (!m) return;
  seekTo(m.time);
  if (m.eventId > 0) explainEvent(m.eventId);
}

/** Global keyboard shortcuts; ignored while typing in a field. */
export function useShortcuts(toggleHelp: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.isContentEditable))
        return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const cluster = simStore.getState().sim.clusterModule !== null;
      if (e.key === " " && t?.tagName !== "BUTTON" && t?.getAttribute("role") !== "button") {
        e.preventDefault();
        togglePlay();
      } else if (e.key === ".") stepOnce();
      else if (e.key === "," && cluster) stepToNextEvent();
      else if (e.key === "n") nextBeat();
      else if (e.key === "]") jumpToMarker(1);
      else if (e.key === "[") jumpToMarker(-1);
      else if (e.key === "+" || e.key === "=") faster();
      else if (e.key === "-") slower();
      else if (e.key === "r") reset();
      else if (e.key === "?") toggleHelp();
      else if (e.key === "Escape") select(null);
      else if ((e.key === "i" || e.key === "o" || e.key === "0") && cluster)
        sendZoom(e.key === "i" ? "in" : e.key === "o" ? "out" : "fit");
      else if (/^[1-9]$/.test(e.key) && cluster) {
        const id = Number(e.key);
        if (
          simStore
            .getState()
            .sim.cluster(0)
            ?.brokers.some((b) => b.id === id)
        )
          select({ kind: "broker", id });
      } else if ((e.key === "x" || e.key === "u") && cluster) {
        const node = selectedNode();
        const alive = simStore
          .getState()
          .sim.actors()
          .find((a) => a.id === node)?.alive;
        if (node && e.key === "x" && alive === true) act({ type: "crash", node });
        if (node && e.key === "u" && alive === false) act({ type: "restart", node });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [toggleHelp]);
}
