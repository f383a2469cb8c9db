import { useSyncExternalStore } from "react";

const QUERY = "(prefers-reduced-motion: reduce)";

let list: MediaQueryList | null = null;
/** One MediaQueryList for the page: the snapshot is read at every render, every frame while playing. */
const query = () => (list ??= window.matchMedia(QUERY));

function subscribe(onChange: () => void): () => void {
  const mq = query();
  mq.addEventListener("change", onChange);
  return () => mq.removeEventListener("change", onChange);
}

/** True when the user asked the system for less motion. */
export function useReducedMotion(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => query().matches,
    () => false,
  );
}
