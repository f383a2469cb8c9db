// Partition mode: drag nodes (brokers, controllers, clients) between island
// zones, then apply the partition; heal puts the network back together. Chips
// are buttons: ← / → move one to the neighbouring island without a mouse (the
// per-node menus under Actions stay too). Drag uses pointer events and finds
// the zone under the pointer, so it works with mouse, pen and touch alike.

import { useState, type PointerEvent as ReactPointerEvent } from "react";
import { act, useSim } from "../../store/simStore.ts";
import { validateIslands, type FieldErrors } from "../forms/validate.ts";
import { nodeRole, nodesByZone, stepZone, zonesFromIslands } from "../islandZones.ts";
import { networkNodes, visibleIslands } from "../networkNodes.ts";
import { FieldError } from "../panels/FieldError.tsx";

const ZONES = 3;

interface Drag {
  node: string;
  x: number;
  y: number;
  over: number | null;
  moved: boolean;
}

function zoneAt(x: number, y: number): number | null {
  const el = document.elementFromPoint(x, y)?.closest("[data-island]");
  return el ? Number(el.getAttribute("data-island")) : null;
}

export function IslandBuilder({ onClose }: { onClose: () => void }) {
  const sim = useSim((s) => s.sim);
  useSim((s) => s.revision);
  const nodes = networkNodes(sim.actors());
  const current = visibleIslands(sim.islands(), nodes);
  const [zones, setZones] = useState(() => zonesFromIslands(current, nodes, ZONES));
  const [drag, setDrag] = useState<Drag | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const byZone = nodesByZone(zones, nodes, ZONES);
  const partitioned = current.length > 1;

  const down = (node: string) => (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    setDrag({ node, x: e.clientX, y: e.clientY, over: zones[node] ?? 1, moved: false });
  };
  const move = (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (!drag) return;
    setDrag({ ...drag, x: e.clientX, y: e.clientY, over: zoneAt(e.clientX, e.clientY), moved: true });
  };
  const up = (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (!drag) return;
    const zone = zoneAt(e.clientX, e.clientY);
    if (drag.moved && zone !== null) setZones((z) => ({ ...z, [drag.node]: zone }));
    setDrag(null);
  };

  return (
    <section className="island-builder" aria-label="Partition mode" data-testid="island-builder">
      <p className="island-help">
        Drag nodes into islands (or focus one and press ← →). Nodes in different islands cannot reach each other.
      </p>
      <div className="island-zones">
        {byZone.map((members, i) => (
          <div
            key={i}
            className={`island-zone${drag?.over === i + 1 ? " over" : ""}`}
            role="group"
            aria-label={`Island ${i + 1}`}
            data-island={i + 1}
            data-testid={`island-zone-${i + 1}`}
            data-nodes={members.join(",")}
          >
            <h4>Island {i + 1}</h4>
            <div className="island-chips">
              {members.map((n) => (
                <button
                  key={n}
                  type="button"
                  className={`island-chip role-${nodeRole(n)}${drag?.node === n ? " dragging" : ""}`}
                  aria-label={`${n}, ${nodeRole(n)}, in island ${i + 1}`}
                  aria-keyshortcuts="ArrowLeft ArrowRight"
                  data-testid={`chip-${n}`}
                  onPointerDown={down(n)}
                  onPointerMove={move}
                  onPointerUp={up}
                  onPointerCancel={() => setDrag(null)}
                  onKeyDown={(e) => {
                    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
                    e.preventDefault();
                    e.stopPropagation();
                    setZones((z) => stepZone(z, n, e.key === "ArrowRight" ? 1 : -1, ZONES));
                  }}
                >
                  {n}
                </button>
              ))}
              {members.length === 0 ? <span className="island-empty">drop here</span> : null}
            </div>
          </div>
        ))}
      </div>
      <FieldError text={errors.islands} />
      <div className="button-row">
        <button
          type="button"
          className="danger"
          onClick={() => {
            const v = validateIslands(zones, false);
            setErrors(v.errors);
            if (v.input) act(v.input);
          }}
        >
          Apply partition
        </button>
        <button
          type="button"
          onClick={() => {
            act({ type: "heal" });
            setZones(zonesFromIslands([], nodes, ZONES));
          }}
          disabled={!partitioned}
        >
          Heal
        </button>
        <button type="button" onClick={onClose}>
          Close partition mode
        </button>
        <span className="island-now" role="status" data-testid="island-now">
          {partitioned ? `Now: ${current.map((g) => `{${g.join(", ")}}`).join(" | ")}` : "Now: one network"}
        </span>
      </div>
      {drag?.moved ? (
        <div className="island-ghost" style={{ left: drag.x, top: drag.y }} aria-hidden="true">
          {drag.node}
        </div>
      ) : null}
    </section>
  );
}
