import { BROKER_CHART, chartStateOf } from "../layout/statechart.ts";

/** The selected broker's lifecycle statechart, the state it is in highlighted. */
export function BrokerStatechart({ brokerId, actorState }: { brokerId: number; actorState: string | undefined }) {
  const current = chartStateOf(actorState);
  const top = current.split(".")[0];
  const c = BROKER_CHART;
  return (
    <figure className="statechart" data-testid="statechart" data-current={current}>
      <svg
        viewBox={`0 0 ${c.width} ${c.height + 4}`}
        width="100%"
        role="img"
        aria-label={`Lifecycle of broker ${brokerId}: now in ${current}`}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L8,4 L0,8 z" fill="#57606a" />
          </marker>
        </defs>
        {c.states.map((s) => {
          const on = s.id === current || (!s.parent && s.id === top);
          const exact = s.id === current;
          return (
            <g key={s.id} className={`chart-state${on ? " on" : ""}${exact ? " exact" : ""}${s.parent ? " sub" : ""}`}>
              <rect x={s.x} y={s.y} width={s.w} height={s.h} rx={s.parent ? 6 : 9} />
              {s.lines.map((line, i) => (
                <text
                  key={i}
                  x={s.x + s.w / 2}
                  y={s.id === "RECOVERY" ? s.y + 14 : s.y + s.h / 2 + 4 - ((s.lines.length - 1) * 12) / 2 + i * 12}
                >
                  {line}
                </text>
              ))}
            </g>
          );
        })}
        {c.transitions.map((t) => (
          <g key={`${t.from}-${t.to}`} className="chart-transition">
            <polyline points={t.points.map((p) => p.join(",")).join(" ")} markerEnd="url(#arrow)" />
            {t.label ? (
              <text x={t.labelAt[0]} y={t.labelAt[1]}>
                {t.label}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <figcaption className="muted small">
        Kafka's BrokerState names. A crash (or a finished shutdown) leads to NOT_RUNNING from any state; now:{" "}
        <strong>{current}</strong>.
      </figcaption>
    </figure>
  );
}
