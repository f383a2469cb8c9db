import { memo } from "react";
import type { BrokerView } from "../../engine/index.ts";
import type { RecentError } from "../../store/viewMemory.ts";
import type { Box } from "../layout/cluster.ts";
import { formatShortMs, lifecycleLabel } from "../format.ts";
import { markDrawn, refreshDue, sameBox } from "./refreshGate.ts";
import { fit, svgButton } from "./svgButton.ts";

interface Props {
  broker: BrokerView;
  box: Box;
  selected: boolean;
  /** Which island of a partitioned network it is in (null when the network is whole). */
  island: number | null;
  /** Its slowed links, when it is flagged slow: peers and extra latency. */
  slow: { peers: string[]; extraLatencyMs: number } | null;
  onSelect: () => void;
}

const sameSlow = (a: Props["slow"], b: Props["slow"]) =>
  a === b || (a !== null && b !== null && a.extraLatencyMs === b.extraLatencyMs && a.peers.join() === b.peers.join());

/** A broker's card. Memoised: new data redraws it when its refresh is due (see refreshGate.ts). */
export const BrokerCard = memo(
  BrokerCardView,
  (a, b) =>
    a.broker.id === b.broker.id &&
    a.selected === b.selected &&
    a.island === b.island &&
    sameSlow(a.slow, b.slow) &&
    sameBox(a.box, b.box) &&
    !refreshDue(a, b.broker.id),
);

function BrokerCardView(props: Props) {
  markDrawn(props, props.broker.id);
  const { broker, box, selected, island, slow, onSelect } = props;
  const state = lifecycleLabel(broker.lifecycle, broker.alive);
  const status = !broker.alive
    ? "down"
    : broker.paused
      ? "paused"
      : broker.fenced
        ? "fenced"
        : broker.lifecycle === "RUNNING"
          ? "running"
          : "starting";
  const badges: string[] = [];
  if (broker.isController) badges.push("controller");
  if (broker.fenced && broker.alive) badges.push("fenced");
  if (broker.paused) badges.push("paused");

  const leads = `leads ${broker.leaderOf}`;
  const label = `Broker ${broker.id}, ${state}${badges.length ? `, ${badges.join(", ")}` : ""}${island !== null ? `, in island ${island + 1}` : ""}${slow ? `, slow links to ${slow.peers.join(", ")} (+${slow.extraLatencyMs} ms)` : ""}, ${leads} partition${broker.leaderOf === 1 ? "" : "s"}`;
  const maxChars = Math.floor(box.w / 7.4);
  return (
    <g
      className={`broker status-${status}${selected ? " selected" : ""}`}
      transform={`translate(${box.x},${box.y})`}
      data-testid={`broker-b${broker.id}`}
      data-lifecycle={broker.lifecycle}
      data-alive={broker.alive ? "true" : "false"}
      data-fenced={broker.fenced ? "true" : "false"}
      data-paused={broker.paused ? "true" : "false"}
      data-controller={broker.isController ? "true" : "false"}
      data-slow={slow ? "true" : "false"}
      {...svgButton(label, onSelect, selected)}
    >
      <title>{label}</title>
      <rect className="card" width={box.w} height={box.h} rx={8} />
      <text className="broker-name" x={10} y={22}>
        b{broker.id}
      </text>
      {broker.isController ? (
        <g transform={`translate(${box.w - 8},${8})`}>
          <rect className="badge-controller" x={-74} width={74} height={18} rx={9} />
          <text className="badge-text" x={-37} y={13} textAnchor="middle">
            controller
          </text>
        </g>
      ) : null}
      <text className="broker-state" x={10} y={41}>
        {/* "fenced" rides on the state line, which has room; beside the island badge it was cut to "fen." */}
        {fit(broker.fenced && broker.alive ? `${state} · fenced` : state, maxChars)}
      </text>
      <text className="broker-sub" x={10} y={57}>
        {fit(
          [leads, ...badges.filter((b) => b !== "controller" && b !== "fenced")].join(" · "),
          maxChars + 2 - (island !== null ? 8 : 0) - (slow ? 8 : 0),
        )}
      </text>
      {slow ? (
        <g
          transform={`translate(${box.w - (island !== null ? 132 : 70)},${box.h - 22})`}
          data-testid={`slow-b${broker.id}`}
        >
          <rect className="badge-slow" width={64} height={17} rx={8.5} />
          <text className="badge-text" x={32} y={12.5} textAnchor="middle">
            slow +{formatShortMs(slow.extraLatencyMs)}
          </text>
        </g>
      ) : null}
      {island !== null ? (
        <g transform={`translate(${box.w - 62},${box.h - 22})`} data-testid={`island-b${broker.id}`}>
          <rect className="badge-island" width={56} height={17} rx={8.5} />
          <text className="badge-text" x={28} y={12.5} textAnchor="middle">
            island {island + 1}
          </text>
        </g>
      ) : null}
    </g>
  );
}

/**
 * An error a broker answered a client with in the last second
 * (NOT_ENOUGH_REPLICAS…), on the card's lower edge where the requests arrive,
 * drawn above the message dots.
 */
export function BrokerErrorTag({ brokerId, box, error }: { brokerId: number; box: Box; error: RecentError }) {
  // The pill may be a little wider than the card (the gap between cards has room); never cut the error's name.
  const text = fit(`✕ ${error.error}`, Math.floor((box.w + 10) / 7));
  const w = Math.max(box.w - 4, text.length * 7 + 12);
  return (
    <g
      className="error-tag"
      data-testid={`broker-error-b${brokerId}`}
      data-error={error.error}
      transform={`translate(${box.x},${box.y})`}
    >
      <title>{error.text}</title>
      <rect x={(box.w - w) / 2} y={box.h - 9} width={w} height={19} rx={9.5} />
      <text x={box.w / 2} y={box.h + 5} textAnchor="middle">
        {text}
      </text>
    </g>
  );
}
