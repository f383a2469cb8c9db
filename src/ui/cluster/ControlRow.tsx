import type { ClusterView } from "../../engine/index.ts";
import type { Box } from "../layout/cluster.ts";
import { svgButton } from "./svgButton.ts";

export interface ControlNodeInfo {
  id: string;
  alive: boolean;
  /** Raft state (Leader / Follower / Candidate…) or ZooKeeper role (LEADING / FOLLOWING). */
  state: string;
  active: boolean;
}

/** The control plane's nodes as a row: KRaft controllers or ZooKeeper servers. */
export function ControlRow({
  cluster,
  nodes,
  boxes,
  row,
  selectedId,
  onSelect,
}: {
  cluster: ClusterView;
  nodes: readonly ControlNodeInfo[];
  boxes: Map<string, Box>;
  row: Box;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const c = cluster.controller;
  const title =
    c.detail.kind === "kraft"
      ? `KRaft quorum · epoch ${c.controllerEpoch}`
      : `ZooKeeper · ctrl ${c.activeControllerId ?? "none"} · epoch ${c.controllerEpoch}`;
  return (
    <g className="control-row" data-testid="control-row" data-active-controller={c.activeControllerId ?? ""}>
      <text className="row-title" x={row.x} y={row.y + 14}>
        {c.detail.kind === "kraft" ? "KRaft quorum" : "ZooKeeper"}
      </text>
      <text className="row-sub" x={row.x} y={row.y + 30}>
        {c.detail.kind === "kraft"
          ? `epoch ${c.controllerEpoch}`
          : `controller ${c.activeControllerId ?? "none"}, epoch ${c.controllerEpoch}`}
      </text>
      <title>{title}</title>
      {nodes.map((n) => {
        const b = boxes.get(n.id);
        if (!b) return null;
        const label = `${c.detail.kind === "kraft" ? "Controller" : "ZooKeeper server"} ${n.id}, ${n.alive ? n.state : "down"}${n.active ? ", active controller" : ""}`;
        return (
          <g
            key={n.id}
            className={`control-node${n.alive ? "" : " down"}${n.active ? " active" : ""}${selectedId === n.id ? " selected" : ""}`}
            transform={`translate(${b.x},${b.y})`}
            data-testid={`control-${n.id}`}
            data-state={n.alive ? n.state : "down"}
            data-active={n.active ? "true" : "false"}
            {...svgButton(label, () => onSelect(n.id), selectedId === n.id)}
          >
            <title>{label}</title>
            <rect className="card" width={b.w} height={b.h} rx={b.h / 2} />
            <text className="control-name" x={12} y={b.h / 2 + 5}>
              {n.id}
            </text>
            <text className="control-state" x={b.w - 10} y={b.h / 2 + 5} textAnchor="end">
              {n.alive ? (n.active ? `★ ${n.state}` : n.state) : "down"}
            </text>
          </g>
        );
      })}
    </g>
  );
}
