// The cluster on one playhead: the control plane, brokers, producers, one log
// lane per replica with HW / LEO markers and records coloured by key, ghosts
// of truncated records, and messages in flight. React renders every element;
// geometry comes from layout/cluster.ts, a pure function of what there is and
// how big the box is. ZoomStage zooms and pans it (a wide cluster is laid out
// wider than the box and fitted: zoom in to read it).

import { useMemo, useRef, useState } from "react";
import { select, showOffsets, useDerived, useSim, type Selection } from "../../store/simStore.ts";
import { keyColours } from "../keyColours.ts";
import { clusterLayout } from "../layout/cluster.ts";
import { contentWidthFor, fitScale, isBigCluster } from "../layout/zoom.ts";
import { useElementSize } from "../useElementSize.ts";
import { useReducedMotion } from "../useReducedMotion.ts";
import { networkNodes, visibleIslands } from "../networkNodes.ts";
import { BrokerCard, BrokerErrorTag } from "./BrokerCard.tsx";
import { ConsumerColumn } from "./ConsumerColumn.tsx";
import { ControlRow, type ControlNodeInfo } from "./ControlRow.tsx";
import { IslandBuilder } from "./IslandBuilder.tsx";
import { Legend } from "./Legend.tsx";
import { MessageLayer } from "./MessageLayer.tsx";
import { PartitionBlock } from "./PartitionBlock.tsx";
import { ProducerCard } from "./ProducerCard.tsx";
import { ZoomStage } from "./ZoomStage.tsx";

const ZK_ROLE: Record<string, string> = { LEADING: "leader", FOLLOWING: "follower", LOOKING: "looking" };

export function ClusterView() {
  const ref = useRef<HTMLDivElement>(null);
  const size = useElementSize(ref);
  const d = useDerived();
  const sim = useSim((s) => s.sim);
  const view = useSim((s) => s.view);
  const selection = useSim((s) => s.selection);
  const speed = useSim((s) => s.speed);
  const scenarioId = useSim((s) => s.scenarioId);
  const reducedMotion = useReducedMotion();
  const [partitionMode, setPartitionMode] = useState(false);
  const cluster = d.cluster;

  const scenarioKeys = useMemo(() => sim.scenario.loadGenerators.flatMap((g) => g.keys ?? []), [sim]);
  const colour = useMemo(() => keyColours(scenarioKeys), [scenarioKeys]);
  const scenarioKeySet = useMemo(() => new Set<string | null>(scenarioKeys), [scenarioKeys]);

  if (!cluster) return null;
  const partitions = cluster.partitions.filter(
    (p) =>
      (view.internalTopics || !p.topic.startsWith("__")) && (view.focusTopic === null || p.topic === view.focusTopic),
  );
  const detail = cluster.controller.detail;
  const controlNodes: ControlNodeInfo[] =
    detail.kind === "kraft"
      ? detail.voters.map((v) => ({
          id: v.actorId,
          alive: v.alive,
          state: v.state,
          active: v.actorId === cluster.controller.activeControllerId,
        }))
      : detail.ensemble.map((z) => {
          const state = sim.actorState(z.actorId) ?? "down";
          return { id: z.actorId, alive: z.alive, state: ZK_ROLE[state] ?? state.toLowerCase(), active: false };
        });

  const groups = cluster.groups ?? [];
  const consumers = cluster.consumers ?? [];
  // Wider than the box when the brokers would be squeezed; fitted to its width, so lanes fill the height at fit.
  const contentWidth = contentWidthFor({
    viewW: size.width,
    brokers: cluster.brokers.length,
    controlNodes: controlNodes.length,
    producers: cluster.producers.length > 0,
    groups: groups.length > 0,
  });
  const fitK = fitScale({ viewW: size.width, viewH: size.height, contentW: contentWidth, contentH: size.height });
  const layout = clusterLayout({
    width: contentWidth,
    height: size.height / fitK,
    producers: cluster.producers.map((p) => p.id),
    brokers: cluster.brokers.map((b) => b.id),
    controlNodes: controlNodes.map((n) => n.id),
    partitions: partitions.map((p) => ({ key: `${p.topic}-${p.partition}`, replicas: p.replicas.length })),
    groups: groups.map((g) => ({
      groupId: g.groupId,
      members: consumers.filter((c) => c.groupId === g.groupId).map((c) => c.id),
      partitions: g.partitions.length,
    })),
    maxOffset: Math.max(0, ...partitions.flatMap((p) => p.replicaViews.map((r) => r.logEndOffset))),
  });

  const islands = visibleIslands(sim.islands(), networkNodes(sim.actors()));
  const islandOf = new Map<string, number>();
  if (islands.length > 1) islands.forEach((g, i) => g.forEach((id) => islandOf.set(id, i)));

  // In order of first sight; the Sets keep this linear (a busy cluster shows thousands of distinct keys), and the
  // scenario's keys (10,000 under Boxing Day) are neither copied nor hashed again each frame.
  const extraKeys: (string | null)[] = [];
  const seen = new Set<string | null>();
  for (const p of partitions)
    for (const r of p.replicaViews)
      for (const rec of r.records)
        if (!scenarioKeySet.has(rec.key) && !seen.has(rec.key)) {
          seen.add(rec.key);
          extraKeys.push(rec.key);
        }
  const seenKeys = extraKeys.length === 0 ? scenarioKeys : [...scenarioKeys, ...extraKeys];

  const lostBy = new Map<string, (typeof d.losses)[number]["lost"][]>();
  for (const l of d.losses) {
    if (l.firstSeenMs > sim.nowMs) continue;
    const k = `${l.lost.topic}-${l.lost.partition}`;
    lostBy.set(k, [...(lostBy.get(k) ?? []), l.lost]);
  }
  const onSelect = (s: Selection) => select(s);
  const animate = view.animate && !reducedMotion;
  const big = isBigCluster({
    brokers: cluster.brokers.length,
    partitions: partitions.length,
    maxReplicas: Math.max(0, ...partitions.map((p) => p.replicas.length)),
    fitK,
  });

  return (
    <div className="cluster-stage" ref={ref}>
      <button
        type="button"
        className="partition-mode-toggle"
        aria-pressed={partitionMode}
        onClick={() => setPartitionMode((on) => !on)}
      >
        Partition mode
      </button>
      {partitionMode ? <IslandBuilder onClose={() => setPartitionMode(false)} /> : null}
      {size.width > 0 ? (
        <ZoomStage
          bounds={{ viewW: size.width, viewH: size.height, contentW: layout.width, contentH: layout.height }}
          resetKey={`${scenarioId}|${view.focusTopic}|${view.internalTopics}`}
          big={big}
          topicSelect={cluster.controller.topics.filter((t) => !t.name.startsWith("__")).length > 1}
          quiet={partitionMode}
          corner={cluster.producers.length > 0 ? "left" : "right"}
          animate={!reducedMotion}
          svg={{
            className: "cluster",
            role: "group",
            "aria-label": "The cluster: controllers, brokers, producers and one log lane per replica",
            "data-testid": "cluster",
            "data-mode": cluster.mode,
            onClick: () => select(null),
          }}
        >
          <defs>
            <pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="8" height="8" fill="#fff4e5" />
              <line x1="0" y1="0" x2="0" y2="8" stroke="#f0b95b" strokeWidth="3" />
            </pattern>
          </defs>
          <ControlRow
            cluster={cluster}
            nodes={controlNodes}
            boxes={layout.controlNodes}
            row={layout.controlRow}
            selectedId={selection?.kind === "controlNode" ? selection.id : null}
            onSelect={(id) => select({ kind: "controlNode", id })}
          />
          {cluster.brokers.map((b) => {
            const box = layout.brokers.get(b.id);
            return box ? (
              <BrokerCard
                key={b.id}
                broker={b}
                box={box}
                selected={selection?.kind === "broker" && selection.id === b.id}
                island={islandOf.has(b.actorId) ? islandOf.get(b.actorId)! : null}
                slow={d.slowFlagged.has(b.actorId) ? (d.slowNodes.get(b.actorId) ?? null) : null}
                onSelect={() => select({ kind: "broker", id: b.id })}
              />
            ) : null;
          })}
          {cluster.producers.map((p) => {
            const box = layout.producers.get(p.id);
            return box ? (
              <ProducerCard
                key={p.id}
                producer={p}
                box={box}
                selected={selection?.kind === "producer" && selection.id === p.id}
                lastError={d.producerErrors.get(p.id)}
                nowMs={sim.nowMs}
                onSelect={() => select({ kind: "producer", id: p.id })}
              />
            ) : null;
          })}
          {cluster.producers.length > 0 ? (
            <text className="column-note" x={layout.producerColumn.x + 4} y={layout.brokerRow.y - 8}>
              Producers
            </text>
          ) : null}
          <ConsumerColumn
            box={{ ...layout.consumerColumn, y: layout.brokerRow.y }}
            groups={groups}
            consumers={consumers}
            boxes={layout.groupBoxes}
            tableRows={layout.groupTableRows}
            nowMs={sim.nowMs}
            selected={
              selection?.kind === "group"
                ? `group:${selection.groupId}`
                : selection?.kind === "consumer"
                  ? `consumer:${selection.id}`
                  : null
            }
            onSelectGroup={(groupId) => select({ kind: "group", groupId })}
            onSelectConsumer={(id) => select({ kind: "consumer", id })}
          />
          <Legend box={layout.legend} keys={seenKeys} colour={colour} />
          {partitions.length === 0 ? (
            <text className="column-text" x={layout.legend.x} y={layout.legend.y + 60}>
              No topics{view.focusTopic ? ` named ${view.focusTopic}` : ""} yet: create one under Actions.
            </text>
          ) : null}
          {partitions.map((p, i) => {
            const key = `${p.topic}-${p.partition}`;
            return (
              <PartitionBlock
                key={key}
                partition={p}
                anchor={view.offsetAnchors[key] ?? null}
                onPan={(first) => showOffsets(key, first)}
                box={layout.partitions[i]}
                layout={layout}
                colour={colour}
                memory={(broker) => d.replicaMemory(key, broker)}
                lost={lostBy.get(key) ?? []}
                recentError={d.partitionErrors.get(key)}
                selection={selection}
                onSelect={onSelect}
              />
            );
          })}
          <MessageLayer
            trace={sim.trace}
            inFlight={sim.messagesInFlight()}
            speed={speed}
            boxes={layout.actorBoxes}
            routes={layout.routes}
            nowMs={sim.nowMs}
            showRoutine={view.controlTraffic}
            animate={animate}
          />
          {cluster.brokers.map((b) => {
            const box = layout.brokers.get(b.id);
            const error = d.brokerErrors.get(b.actorId);
            return box && error ? <BrokerErrorTag key={b.id} brokerId={b.id} box={box} error={error} /> : null;
          })}
        </ZoomStage>
      ) : null}
    </div>
  );
}
