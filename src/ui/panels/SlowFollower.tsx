// "Slow follower…": extra latency on every link between one broker and the
// others (both ways), so its fetches come back late, it stops catching up and
// the leader drops it from the ISR after replica.lag.time.max.ms. "Reset link
// speeds" undoes it (resetLinks: every link back to normal speed).

import { useState } from "react";
import type { ClusterView } from "../../engine/index.ts";
import { act, useDerived, useSim } from "../../store/simStore.ts";
import { validateSlowFollower, type FieldErrors } from "../forms/validate.ts";
import { FieldError } from "./FieldError.tsx";

/** The form; `fixedBroker` hides the broker choice (the broker inspector). */
export function SlowFollowerForm({ cluster, fixedBroker }: { cluster: ClusterView; fixedBroker?: string }) {
  const sim = useSim((s) => s.sim);
  const d = useDerived();
  const lagMs = sim.clusterModule?.ctx.spec.timings.replicaLagTimeMaxMs ?? 3000;
  const brokers = cluster.brokers.map((b) => b.actorId);
  const [chosen, setChosen] = useState(brokers[brokers.length - 1] ?? "");
  const [latency, setLatency] = useState(String(Math.round((lagMs * 4) / 3)));
  const [errors, setErrors] = useState<FieldErrors>({});
  const broker = fixedBroker ?? chosen;
  const anySlow = d.slowNodes.size > 0;
  const slow = d.slowNodes.get(broker);
  return (
    <form
      className="stacked-form"
      aria-label={fixedBroker ? `Slow follower ${fixedBroker}` : "Slow a follower"}
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateSlowFollower(broker, latency, brokers);
        setErrors(v.errors);
        if (v.input) for (const input of v.input) if (!act(input)) break;
      }}
    >
      {fixedBroker ? <h3>Slow follower {fixedBroker}</h3> : <h3>Slow a follower</h3>}
      <div className="form-row">
        {fixedBroker ? null : (
          <label>
            Broker
            <select value={chosen} onChange={(e) => setChosen(e.target.value)}>
              {brokers.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Extra latency (ms)
          <input
            inputMode="numeric"
            value={latency}
            onChange={(e) => setLatency(e.target.value)}
            aria-invalid={errors.extraLatencyMs ? true : undefined}
            size={7}
          />
        </label>
        <button type="submit">Slow {fixedBroker ?? "follower"}</button>
      </div>
      <FieldError text={errors.broker ?? errors.extraLatencyMs} />
      {slow ? (
        <p className="slow-now" data-testid={`slow-now-${broker}`}>
          Now: links {broker}↔{slow.peers.join(", ")} are {slow.extraLatencyMs} ms slower.
        </p>
      ) : null}
      <p className="muted small">
        Every message between {fixedBroker ?? "it"} and the other brokers takes that much longer, both ways. A follower
        that has not caught up for replica.lag.time.max.ms ({lagMs} ms here) leaves the ISR. If it leads partitions,
        their followers fall behind instead. Reset link speeds puts every link back to normal, including any the
        scenario slowed.
      </p>
      <div className="button-row">
        <button type="button" onClick={() => act({ type: "resetLinks" })} disabled={!anySlow}>
          Reset link speeds
        </button>
      </div>
    </form>
  );
}
