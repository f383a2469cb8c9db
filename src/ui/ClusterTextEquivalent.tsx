// What the cluster picture shows, as text, for screen readers; plus a polite
// live region that announces each new marker (a crash, a leader change, an
// ISR change, a lost record) as the playhead passes it.

import { useRefreshedDerived } from "../store/simStore.ts";
import { MARKER_LABEL } from "../store/markers.ts";
import { formatAcks, formatClock, lifecycleLabel } from "./format.ts";

export function ClusterTextEquivalent() {
  // Redrawn ~10 times a second while playing (not every frame); exact when paused.
  const d = useRefreshedDerived(4);
  const nowMs = d.nowMs;
  const c = d.cluster;
  if (!c) return null;
  const passed = d.markers.filter((m) => m.time <= nowMs);
  const latest = passed[passed.length - 1];
  return (
    <>
      <section className="visually-hidden" aria-label="Cluster state as text" data-testid="cluster-text">
        <p>
          Virtual time {formatClock(nowMs)}. {c.mode === "kraft" ? "KRaft" : "ZooKeeper"} mode; active controller{" "}
          {c.controller.activeControllerId ?? "none"}, epoch {c.controller.controllerEpoch}.
        </p>
        <ul>
          {c.brokers.map((b) => (
            <li key={b.id}>
              Broker {b.id}: {lifecycleLabel(b.lifecycle, b.alive)}
              {b.fenced && b.alive ? ", fenced" : ""}
              {b.paused ? ", paused" : ""}
              {b.isController ? ", controller" : ""}.
            </li>
          ))}
        </ul>
        <ul>
          {c.partitions.map((p) => (
            <li key={`${p.topic}-${p.partition}`}>
              {p.topic}-{p.partition}: {p.offline ? "offline" : `leader broker ${p.leader}`}, leader epoch{" "}
              {p.leaderEpoch}, ISR {p.isr.join(", ") || "empty"}.{" "}
              {p.replicaViews
                .map(
                  (r) =>
                    `Broker ${r.brokerId}: high watermark ${r.highWatermark}, log end offset ${r.logEndOffset}${r.inIsr ? "" : ", not in ISR"}${r.records.length ? `, newest record offset ${r.records[r.records.length - 1].offset} key ${r.records[r.records.length - 1].key ?? "none"}` : ""}.`,
                )
                .join(" ")}
            </li>
          ))}
        </ul>
        <ul>
          {c.producers.map((p) => (
            <li key={p.id}>
              Producer {p.id}: acks={formatAcks(p.acks)}, {p.acknowledged} acknowledged, {p.failed} failed
              {Object.keys(p.errors).length
                ? `, errors ${Object.entries(p.errors)
                    .map(([k, n]) => `${k} ${n}`)
                    .join(", ")}`
                : ""}
              .
            </li>
          ))}
        </ul>
        <p>
          {d.losses.filter((l) => l.firstSeenMs <= nowMs).length} acknowledged records lost.{" "}
          {(d.checks?.violationsNow.length ?? 0) === 0
            ? "Every guarantee holds."
            : `Broken now: ${d.checks!.violationsNow.map((v) => v.guarantee).join(", ")}.`}
        </p>
      </section>
      <p className="visually-hidden" role="status" aria-live="polite">
        {latest ? `${MARKER_LABEL[latest.kind]} at ${formatClock(latest.time)}: ${latest.text}` : ""}
      </p>
    </>
  );
}
