import { useEffect } from "react";
import { faster, reset, slower, stepOnce, togglePlay } from "../store/simStore.ts";

export const SHORTCUTS: [string, string][] = [
  ["Space", "Play or pause"],
  [".", "Step one event"],
  ["+ / -", "Faster / slower"],
  ["r", "Reset the scenario"],
  ["?", "Show or hide this list"],
];

/** Global keyboard shortcuts; ignored while typing in a field. */
export function useShortcuts(toggleHelp: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.isContentEditable))
        return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === " " && t?.tagName !== "BUTTON") {
        e.preventDefault();
        togglePlay();
      } else if (e.key === ".") stepOnce();
      else if (e.key === "+" || e.key === "=") faster();
      else if (e.key === "-") slower();
      else if (e.key === "r") reset();
      else if (e.key === "?") toggleHelp();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [toggleHelp]);
}
