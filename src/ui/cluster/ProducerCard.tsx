import { memo } from "react";
import type { ProducerView } from "../../engine/index.ts";
import type { RecentError } from "../../store/viewMemory.ts";
import type { Box } from "../layout/cluster.ts";
import { formatAcks } from "../format.ts";
import { markDrawn, refreshDue, sameBox, slotOf } from "./refreshGate.ts";
import { fontToFit } from "../layout/text.ts";
import { fit, svgButton } from "./svgButton.ts";

/** styles.css .producer-line */
const PRODUCER_LINE_FONT = 12.5;

interface Props {
  producer: ProducerView;
  box: Box;
  selected: boolean;
  lastError: RecentError | undefined;
  nowMs: number;
  onSelect: () => void;
}

/** A producer's card. Memoised: new data redraws it when its refresh is due (see refreshGate.ts). */
export const ProducerCard = memo(
  ProducerCardView,
  (a, b) =>
    a.producer.id === b.producer.id &&
    a.selected === b.selected &&
    sameBox(a.box, b.box) &&
    !refreshDue(a, slotOf(b.producer.id)),
);

function ProducerCardView(props: Props) {
  markDrawn(props, slotOf(props.producer.id));
  const { producer, box, selected, lastError, nowMs, onSelect } = props;
  const errorCount = Object.values(producer.errors).reduce((a, b) => a + b, 0);
  // An error in the last two seconds is "now": drawn loud; older ones stay listed quietly.
  const fresh = lastError !== undefined && nowMs - lastError.time <= 2000;
  const label = `Producer ${producer.id} to ${producer.topic}, ${producer.ratePerSec} records per second, acks=${formatAcks(producer.acks)}, ${producer.acknowledged} acknowledged, ${producer.failed} failed${lastError ? `, last error ${lastError.error}` : ""}`;
  return (
    <g
      className={`producer${selected ? " selected" : ""}${fresh ? " erroring" : ""}`}
      transform={`translate(${box.x},${box.y})`}
      data-testid={`producer-${producer.id}`}
      data-acks={formatAcks(producer.acks)}
      data-acknowledged={producer.acknowledged}
      data-last-error={lastError?.error ?? ""}
      {...svgButton(label, onSelect, selected)}
    >
      <title>{label}</title>
      <rect className="card" width={box.w} height={box.h} rx={8} />
      <text className="producer-name" x={10} y={20}>
        {fit(`${producer.id} → ${producer.topic}`, 17)}
      </text>
      <text className="producer-line" x={10} y={38}>
        {producer.ratePerSec}/s · acks={formatAcks(producer.acks)}
      </text>
      <FittedLine text={`acked ${producer.acknowledged} · sent ${producer.sent}`} y={55} w={box.w - 16} />
      <FittedLine text={`failed ${producer.failed} · in flight ${producer.inFlight}`} y={72} w={box.w - 16} />
      {lastError ? (
        <ErrorLine text={fit(`✕ ${lastError.error}`, 24)} fresh={fresh} w={box.w - 16} />
      ) : (
        <text className="producer-ok" x={10} y={92}>
          no errors
        </text>
      )}
      {errorCount > 0 ? (
        <text className="producer-line muted" x={10} y={107}>
          {errorCount} error{errorCount === 1 ? "" : "s"} so far
        </text>
      ) : null}
    </g>
  );
}

/** styles.css .producer-error (bold) */
const PRODUCER_ERROR_FONT = 10;

/** The last error's code, smaller when a long one (NOT_ENOUGH_REPLICAS_AFTER_APPEND) would run off the card. */
function ErrorLine({ text, fresh, w }: { text: string; fresh: boolean; w: number }) {
  const size = fontToFit(text, w, PRODUCER_ERROR_FONT, true);
  return (
    <text
      className={fresh ? "producer-error fresh" : "producer-error"}
      x={10}
      y={92}
      style={size < PRODUCER_ERROR_FONT ? { fontSize: `${size}px` } : undefined}
    >
      {text}
    </text>
  );
}

/** A line of counts, drawn smaller when its numbers grow past the card's width. */
function FittedLine({ text, y, w }: { text: string; y: number; w: number }) {
  const size = fontToFit(text, w, PRODUCER_LINE_FONT);
  return (
    <text
      className="producer-line"
      x={10}
      y={y}
      style={size < PRODUCER_LINE_FONT ? { fontSize: `${size}px` } : undefined}
    >
      {text}
    </text>
  );
}
