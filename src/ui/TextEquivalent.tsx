// What the picture shows, as text, for screen readers.

import { useSim } from "../store/simStore.ts";
import { formatClock } from "./format.ts";

export function TextEquivalent() {
  useSim((s) => s.revision);
  const sim = useSim((s) => s.sim);
  const islands = sim.islands();
  return (
    <section className="visually-hidden" aria-label="Simulation state as text">
      <p>Virtual time {formatClock(sim.nowMs)}.</p>
      <ul>
        {sim.actors().map((a) => (
          <li key={a.id}>
            {a.id}: {a.alive ? a.state : "down"}
          </li>
        ))}
      </ul>
      <p>{sim.messagesInFlight().length} messages in flight.</p>
      <p>
        {islands.length > 1
          ? `Network partitioned into ${islands.map((g) => g.join(" and ")).join("; ")}.`
          : "Network whole."}
      </p>
    </section>
  );
}
