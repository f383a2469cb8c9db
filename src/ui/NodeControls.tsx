// Actions on the selected node and on the network. Every action is a timed
// input to the engine (never a direct change), so it can be replayed, and
// acting after a rewind forks a branch.

import { act, useSim } from "../store/simStore.ts";

export function NodeControls({ selected }: { selected: string | null }) {
  useSim((s) => s.revision);
  const sim = useSim((s) => s.sim);
  const actors = sim.actors();
  const node = actors.find((a) => a.id === selected);
  const partitioned = sim.islands().length > 1;
  return (
    <section className="panel controls" aria-label="Actions">
      <h2>{node ? `Node ${node.id}` : "Actions"}</h2>
      {node ? (
        <div className="button-row">
          {node.alive ? (
            <button type="button" className="danger" onClick={() => act({ type: "crash", node: node.id })}>
              Crash {node.id}
            </button>
          ) : (
            <button type="button" onClick={() => act({ type: "restart", node: node.id })}>
              Restart {node.id}
            </button>
          )}
          <button type="button" onClick={() => act({ type: "isolate", node: node.id })} disabled={!node.alive}>
            Isolate {node.id}
          </button>
        </div>
      ) : (
        <p className="muted">Click a node (or Tab to it and press Enter) to act on it.</p>
      )}
      <div className="button-row">
        <button type="button" onClick={() => act({ type: "heal" })} disabled={!partitioned}>
          Heal network
        </button>
      </div>
    </section>
  );
}
