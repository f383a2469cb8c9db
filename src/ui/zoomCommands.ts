// Zoom commands from the keyboard (shortcuts.ts) to the cluster view, which
// keeps its zoom as React state: a tiny publish / subscribe, nothing stored.

export type ZoomCommand = "in" | "out" | "fit";

const listeners = new Set<(command: ZoomCommand) => void>();

export function sendZoom(command: ZoomCommand): void {
  for (const l of listeners) l(command);
}

/** Subscribes the cluster view; returns the unsubscribe. */
export function onZoomCommand(listener: (command: ZoomCommand) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
