// The inspector: what the selected broker, partition, replica, producer or
// controller node is, its config, and the actions that apply to it. With
// nothing selected it shows the cluster's metrics.

import { useMemo, useState } from "react";
import type { ClusterView, PartitionView, TraceEvent } from "../../engine/index.ts";
import { splitGhosts } from "../../store/ghosts.ts";
import { act, explainEvent, select, useDerived, useSim, type Selection } from "../../store/simStore.ts";
import type { Derived } from "../../store/viewMemory.ts";
import { formatAcks, formatSeconds, lifecycleLabel } from "../format.ts";
import { validateLoad, validateProduce, validateTopicConfig, type FieldErrors } from "../forms/validate.ts";
import { BrokerStatechart } from "./BrokerStatechart.tsx";
import { metricSeries } from "./metricSeries.ts";
import { FieldError } from "./FieldError.tsx";
import { SlowFollowerForm } from "./SlowFollower.tsx";
import { ConsumerInspector, GroupInspector } from "./GroupInspector.tsx";
import { Sparkline } from "./Sparkline.tsx";
import { Table } from "./Table.tsx";

export function Inspector() {
  const d = useDerived();
  const selection = useSim((s) => s.selection);
  const cluster = d.cluster;
  if (!cluster) return null;
  if (!selection) return <Overview d={d} />;
  return (
    <div className="inspector" data-testid="inspector">
      <button type="button" className="linklike close" onClick={() => select(null)}>
        ← Overview
      </button>
      <SelectionView selection={selection} cluster={cluster} d={d} />
    </div>
  );
}

function SelectionView({ selection, cluster, d }: { selection: Selection; cluster: ClusterView; d: Derived }) {
  switch (selection.kind) {
    case "broker":
      return <BrokerInspector id={selection.id} cluster={cluster} />;
    case "partition": {
      const p = cluster.partitions.find((x) => x.topic === selection.topic && x.partition === selection.partition);
      return p ? <PartitionInspector p={p} cluster={cluster} /> : <p className="muted">That partition is gone.</p>;
    }
    case "replica": {
      const p = cluster.partitions.find((x) => x.topic === selection.topic && x.partition === selection.partition);
      return p ? (
        <ReplicaInspector p={p} brokerId={selection.broker} d={d} />
      ) : (
        <p className="muted">That partition is gone.</p>
      );
    }
    case "producer":
      return <ProducerInspector id={selection.id} cluster={cluster} d={d} />;
    case "controlNode":
      return <ControlNodeInspector id={selection.id} cluster={cluster} />;
    case "consumer":
      return <ConsumerInspector id={selection.id} cluster={cluster} />;
    case "group":
      return <GroupInspector groupId={selection.groupId} cluster={cluster} />;
  }
}

function Overview({ d }: { d: Derived }) {
  // The samples array is the same object until a sample is taken (every 100 virtual ms): no redraw in between.
  const { tMax, series } = useMemo(() => metricSeries(d.samples), [d.samples]);
  return (
    <div className="inspector" data-testid="inspector">
      <p className="muted">
        Click a broker, a partition, a replica's lane, a producer, a controller, a consumer group or a consumer (or Tab
        to it and press Enter) to see its details, its config and what you can do to it.
      </p>
      <h3>Metrics</h3>
      <div className="metrics">
        <Sparkline label="under-replicated" points={series.underReplicated} tMax={tMax} danger />
        <Sparkline label="offline" points={series.offline} tMax={tMax} danger />
        <Sparkline label="below min ISR" points={series.underMinIsr} tMax={tMax} danger />
        <Sparkline label="ISR shrinks" points={series.isrShrinks} tMax={tMax} />
        <Sparkline label="ISR expands" points={series.isrExpands} tMax={tMax} />
        <Sparkline label="produce errors" points={series.produceErrors} tMax={tMax} danger />
        <Sparkline label="acknowledged" points={series.acknowledged} tMax={tMax} />
      </div>
      <p className="muted small">
        Sampled every 100 ms of virtual time as the playhead moves; a rewind cuts them back.
      </p>
    </div>
  );
}

function BrokerInspector({ id, cluster }: { id: number; cluster: ClusterView }) {
  const sim = useSim((s) => s.sim);
  const [pauseMs, setPauseMs] = useState("2000");
  const b = cluster.brokers.find((x) => x.id === id);
  if (!b) return <p className="muted">No broker {id}.</p>;
  const node = b.actorId;
  const zk = cluster.mode === "zookeeper";
  const timings = sim.clusterModule?.ctx.spec.timings;
  const brokerConfig = sim.clusterModule?.ctx.spec.brokerConfig;
  const pauseValid = /^\d+$/.test(pauseMs) && Number(pauseMs) >= 1 && Number(pauseMs) <= 600_000;
  const replicas = cluster.partitions.filter((p) => p.replicas.includes(id));
  return (
    <>
      <h2 data-testid="inspector-title">
        Broker {node} <span className="pill">{lifecycleLabel(b.lifecycle, b.alive)}</span>
        {b.isController ? <span className="pill ok">controller</span> : null}
        {b.fenced && b.alive ? <span className="pill warn">fenced</span> : null}
        {b.paused ? <span className="pill warn">paused</span> : null}
      </h2>
      <div className="button-row" role="group" aria-label={`Actions on ${node}`}>
        {b.alive ? (
          <>
            <button type="button" className="danger" onClick={() => act({ type: "crash", node })} aria-keyshortcuts="x">
              Crash {node}
            </button>
            <button type="button" onClick={() => act({ type: "shutdown", node })} disabled={b.lifecycle !== "RUNNING"}>
              Shut down {node}
            </button>
            <button type="button" onClick={() => act({ type: "isolate", node })}>
              Isolate {node}
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              className="primary"
              onClick={() => act({ type: "restart", node })}
              aria-keyshortcuts="u"
            >
              Restart {node}
            </button>
            <button type="button" className="danger" onClick={() => act({ type: "wipeDisk", node })}>
              Wipe {node}'s disk
            </button>
          </>
        )}
        {zk && b.alive ? (
          <button type="button" onClick={() => act({ type: "expireSession", broker: id })}>
            Expire {node}'s ZooKeeper session
          </button>
        ) : null}
      </div>
      {b.alive ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (pauseValid) act({ type: "pause", node, forMs: Number(pauseMs) });
          }}
        >
          <label>
            Stall for (ms)
            <input
              inputMode="numeric"
              value={pauseMs}
              onChange={(e) => setPauseMs(e.target.value)}
              aria-invalid={!pauseValid}
              aria-describedby={pauseValid ? undefined : "pause-error"}
              size={7}
            />
          </label>
          <button type="submit" disabled={!pauseValid}>
            Pause {node}
          </button>
          {!pauseValid ? <FieldError id="pause-error" text="Stall for: a whole number of ms from 1 to 600000" /> : null}
        </form>
      ) : null}
      <p className="muted small">
        Crash: a hard kill (no clean shutdown, log recovery on restart). Shut down: controlled — the controller moves
        its leaderships first. Pause: a GC-like stall; it neither sends nor receives.
      </p>
      <SlowFollowerForm key={node} cluster={cluster} fixedBroker={node} />
      <BrokerStatechart brokerId={id} actorState={sim.actorState(node)} />
      <h3>Replicas on {node}</h3>
      <Table head={["partition", "role", "HW", "LEO", "ISR"]}>
        {replicas.map((p) => {
          const r = p.replicaViews.find((x) => x.brokerId === id)!;
          return (
            <tr key={`${p.topic}-${p.partition}`}>
              <td>
                <button
                  type="button"
                  className="linklike"
                  onClick={() => select({ kind: "replica", topic: p.topic, partition: p.partition, broker: id })}
                >
                  {p.topic}-{p.partition}
                </button>
              </td>
              <td>{p.leader === id ? "leader" : r.alive ? r.role : "down"}</td>
              <td>{r.highWatermark}</td>
              <td>{r.logEndOffset}</td>
              <td>{r.inIsr ? "yes" : "no"}</td>
            </tr>
          );
        })}
      </Table>
      {brokerConfig && timings ? (
        <>
          <h3>Config</h3>
          <dl className="config">
            <dt>min.insync.replicas</dt>
            <dd>{brokerConfig.minInsyncReplicas}</dd>
            <dt>unclean.leader.election.enable</dt>
            <dd>{String(brokerConfig.uncleanLeaderElectionEnable)}</dd>
            <dt>replica.lag.time.max.ms</dt>
            <dd>{timings.replicaLagTimeMaxMs}</dd>
            {zk ? (
              <>
                <dt>zookeeper.session.timeout.ms</dt>
                <dd>{timings.zookeeperSessionTimeoutMs}</dd>
              </>
            ) : (
              <>
                <dt>broker.session.timeout.ms</dt>
                <dd>{timings.brokerSessionTimeoutMs}</dd>
                <dt>broker.heartbeat.interval.ms</dt>
                <dd>{timings.brokerHeartbeatIntervalMs}</dd>
              </>
            )}
          </dl>
          <p className="note">
            Broker settings are static here, as in Kafka without a rolling restart; topic settings can change while it
            runs (select a partition). In real Kafka a log is segment files on disk; here it keeps offsets, keys, values
            and epochs, not bytes.
          </p>
        </>
      ) : null}
    </>
  );
}

function PartitionInspector({ p, cluster }: { p: PartitionView; cluster: ClusterView }) {
  const key = `${p.topic}-${p.partition}`;
  const topic = cluster.controller.topics.find((t) => t.name === p.topic);
  return (
    <>
      <h2 data-testid="inspector-title">Partition {key}</h2>
      <dl className="config">
        <dt>leader</dt>
        <dd>{p.offline ? "none (offline)" : `b${p.leader}`}</dd>
        <dt>leader epoch</dt>
        <dd>{p.leaderEpoch}</dd>
        <dt>partition epoch</dt>
        <dd>{p.partitionEpoch}</dd>
        <dt>replicas (preferred first)</dt>
        <dd>{p.replicas.map((r) => `b${r}`).join(", ")}</dd>
        <dt>ISR</dt>
        <dd>{p.isr.map((r) => `b${r}`).join(", ") || "empty"}</dd>
      </dl>
      <div className="button-row" role="group" aria-label={`Elections for ${key}`}>
        <button
          type="button"
          onClick={() =>
            act({ type: "electLeaders", electionType: "preferred", topic: p.topic, partition: p.partition })
          }
        >
          Preferred leader election for {key}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => act({ type: "electLeaders", electionType: "unclean", topic: p.topic, partition: p.partition })}
        >
          Unclean election for {key}
        </button>
      </div>
      <Table head={["replica", "role", "start", "HW", "LEO", "in ISR"]}>
        {p.replicaViews.map((r) => (
          <tr key={r.brokerId}>
            <td>
              <button
                type="button"
                className="linklike"
                onClick={() => select({ kind: "replica", topic: p.topic, partition: p.partition, broker: r.brokerId })}
              >
                b{r.brokerId}
              </button>
            </td>
            <td>{p.leader === r.brokerId ? "leader" : r.alive ? r.role : "down"}</td>
            <td>{r.logStartOffset}</td>
            <td>{r.highWatermark}</td>
            <td>{r.logEndOffset}</td>
            <td>{r.inIsr ? "yes" : "no"}</td>
          </tr>
        ))}
      </Table>
      {topic ? (
        <TopicConfigForm topic={topic.name} config={topic.config} replicationFactor={p.replicas.length} />
      ) : null}
    </>
  );
}

function TopicConfigForm({
  topic,
  config,
  replicationFactor,
}: {
  topic: string;
  config: ClusterView["controller"]["topics"][number]["config"];
  replicationFactor: number;
}) {
  const [minIsr, setMinIsr] = useState(String(config.minInsyncReplicas));
  const [unclean, setUnclean] = useState(config.uncleanLeaderElectionEnable);
  const [errors, setErrors] = useState<FieldErrors>({});
  return (
    <form
      className="stacked-form"
      aria-label={`Config of topic ${topic}`}
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateTopicConfig(topic, minIsr, unclean, [{ name: topic, replicationFactor }]);
        setErrors(v.errors);
        if (v.input) act(v.input);
      }}
    >
      <h3>Topic {topic}</h3>
      <label>
        min.insync.replicas
        <input
          inputMode="numeric"
          value={minIsr}
          onChange={(e) => setMinIsr(e.target.value)}
          aria-invalid={errors.minInsyncReplicas ? true : undefined}
          size={4}
        />
      </label>
      <FieldError text={errors.minInsyncReplicas} />
      <label className="checkbox">
        <input type="checkbox" checked={unclean} onChange={(e) => setUnclean(e.target.checked)} />
        unclean.leader.election.enable
      </label>
      <p className="muted small">
        now: min.insync.replicas={config.minInsyncReplicas}, unclean.leader.election.enable=
        {String(config.uncleanLeaderElectionEnable)}, cleanup.policy={config.cleanupPolicy}, retention.ms=
        {config.retentionMs}
      </p>
      <button type="submit">Apply to {topic}</button>
    </form>
  );
}

function ReplicaInspector({ p, brokerId, d }: { p: PartitionView; brokerId: number; d: Derived }) {
  const key = `${p.topic}-${p.partition}`;
  const r = p.replicaViews.find((x) => x.brokerId === brokerId);
  if (!r)
    return (
      <p className="muted">
        b{brokerId} holds no replica of {key}.
      </p>
    );
  const ghosts = splitGhosts(d.replicaMemory(key, brokerId), r.logEndOffset);
  const gone = [...ghosts.beyond, ...ghosts.replaced].sort((a, b) => a.offset - b.offset);
  return (
    <>
      <h2 data-testid="inspector-title">
        {key} on b{brokerId}{" "}
        <span className="pill">{p.leader === brokerId ? "leader" : r.alive ? r.role : "down"}</span>
        {!r.inIsr ? <span className="pill warn">not in ISR</span> : null}
      </h2>
      <dl className="config">
        <dt>log start offset</dt>
        <dd>{r.logStartOffset}</dd>
        <dt>high watermark (HW)</dt>
        <dd>{r.highWatermark}</dd>
        <dt>log end offset (LEO)</dt>
        <dd>{r.logEndOffset}</dd>
        <dt>leader epoch it knows</dt>
        <dd>{r.leaderEpoch}</dd>
      </dl>
      <p className="muted small">
        Consumers read only below the leader's HW. A follower's HW trails the leader's by a fetch. Records between HW
        and LEO are not yet on every ISR member.
      </p>
      <h3>Leader-epoch cache</h3>
      <Table head={["epoch", "start offset"]}>
        {r.epochCache.map((e) => (
          <tr key={e.epoch}>
            <td>{e.epoch}</td>
            <td>{e.startOffset}</td>
          </tr>
        ))}
      </Table>
      <h3>Newest records</h3>
      <Table head={["offset", "key", "value", "epoch"]} className="records-table">
        {r.records
          .slice(-10)
          .reverse()
          .map((rec) => (
            <tr key={rec.offset} className={rec.offset >= r.highWatermark ? "uncommitted-row" : ""}>
              <td>{rec.offset}</td>
              <td>{rec.key ?? "—"}</td>
              <td>{rec.value ?? "—"}</td>
              <td>{rec.leaderEpoch}</td>
            </tr>
          ))}
      </Table>
      {gone.length > 0 ? (
        <>
          <h3>Truncated here (seen by the UI, then gone)</h3>
          <ul className="ghost-list">
            {gone.slice(0, 20).map((g) => (
              <li key={g.offset}>
                offset {g.offset}: {g.value ?? "—"} (key {g.key ?? "—"}, epoch {g.leaderEpoch}), gone at{" "}
                {formatSeconds(g.goneAtMs)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

function ProducerInspector({ id, cluster, d }: { id: string; cluster: ClusterView; d: Derived }) {
  const sim = useSim((s) => s.sim);
  const p = cluster.producers.find((x) => x.id === id);
  const spec = sim.scenario.loadGenerators.find((g) => g.id === id);
  const [rate, setRate] = useState(String(p?.ratePerSec ?? 10));
  const [acks, setAcks] = useState(p ? formatAcks(p.acks) : "all");
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [loadErrors, setLoadErrors] = useState<FieldErrors>({});
  const [produceErrors, setProduceErrors] = useState<FieldErrors>({});
  if (!p) return <p className="muted">No producer {id}.</p>;
  const last = d.producerErrors.get(id);
  // The broker that refused says why (naming the setting); the producer only says what came back.
  const brokerSide = last ? brokerExplanation(sim.trace, id, last.error, last.id) : undefined;
  const errors = Object.entries(p.errors).sort((a, b) => b[1] - a[1]);
  return (
    <>
      <h2 data-testid="inspector-title">
        Producer {id} <span className="muted">→ {p.topic}</span>
      </h2>
      <dl className="config">
        <dt>rate</dt>
        <dd>{p.ratePerSec} records/s</dd>
        <dt>acks</dt>
        <dd>{formatAcks(p.acks)}</dd>
        <dt>keys</dt>
        <dd>
          {spec?.keys?.length
            ? spec.keys.slice(0, 8).join(", ") + (spec.keys.length > 8 ? "…" : "")
            : "none (null keys)"}
        </dd>
        <dt>sent / acknowledged / failed</dt>
        <dd>
          {p.sent} / {p.acknowledged} / {p.failed}
        </dd>
        <dt>batches in flight</dt>
        <dd>{p.inFlight}</dd>
      </dl>
      <h3>Errors</h3>
      {errors.length === 0 ? (
        <p className="muted">None so far.</p>
      ) : (
        <ul className="error-list" data-testid="producer-errors">
          {errors.map(([name, n]) => (
            <li key={name}>
              <strong className="danger-text">{name}</strong> ×{n}
            </li>
          ))}
        </ul>
      )}
      {last ? (
        <p>
          Latest, at {formatSeconds(last.time)}: {last.text}
          {brokerSide ? (
            <>
              <br />
              <span className="muted">{brokerSide.text}</span>
            </>
          ) : null}{" "}
          <button type="button" className="linklike" onClick={() => explainEvent((brokerSide ?? last).id)}>
            Why?
          </button>
        </p>
      ) : null}
      <form
        className="stacked-form"
        aria-label={`Settings of ${id}`}
        onSubmit={(e) => {
          e.preventDefault();
          const v = validateLoad(id, rate, acks, [id]);
          setLoadErrors(v.errors);
          if (v.input) act(v.input);
        }}
      >
        <h3>Settings</h3>
        <div className="form-row">
          <label>
            acks
            <select value={acks} onChange={(e) => setAcks(e.target.value)}>
              <option value="all">all</option>
              <option value="1">1</option>
              <option value="0">0</option>
            </select>
          </label>
          <label>
            Rate (records/s)
            <input
              inputMode="numeric"
              value={rate}
              onChange={(e) => setRate(e.target.value)}
              aria-invalid={loadErrors.ratePerSec ? true : undefined}
              size={6}
            />
          </label>
          <button type="submit">Apply to {id}</button>
        </div>
        <FieldError text={loadErrors.ratePerSec ?? loadErrors.acks} />
      </form>
      <form
        className="stacked-form"
        aria-label={`Produce a record through ${id}`}
        onSubmit={(e) => {
          e.preventDefault();
          const v = validateProduce(id, key, value, [id]);
          setProduceErrors(v.errors);
          if (v.input) act(v.input);
        }}
      >
        <h3>Produce a record by hand</h3>
        <div className="form-row">
          <label>
            Key
            <input
              value={key}
              onChange={(e) => setKey(e.target.value)}
              size={8}
              aria-invalid={produceErrors.key ? true : undefined}
            />
          </label>
          <label>
            Value
            <input
              value={value}
              onChange={(e) => setValue(e.target.value)}
              size={10}
              aria-invalid={produceErrors.value ? true : undefined}
            />
          </label>
          <button type="submit">Produce</button>
        </div>
        <FieldError text={produceErrors.key ?? produceErrors.value} />
      </form>
      <p className="note">
        In real Kafka this would be a KafkaProducer in your application. Here a load generator stands in for it: it
        looks up metadata, batches, sends with the chosen acks, retries until delivery.timeout.ms and records what was
        acknowledged, so the checker can tell which acknowledged records were lost.
      </p>
    </>
  );
}

/** The broker's note about refusing this producer with this error, just before the producer's own (if any). */
function brokerExplanation(
  trace: readonly TraceEvent[],
  producer: string,
  error: string,
  beforeId: number,
): TraceEvent | undefined {
  for (let i = Math.min(trace.length, beforeId) - 1, n = 0; i >= 0 && n < 400; i--, n++) {
    const e = trace[i];
    const d = e.data as Record<string, unknown> | undefined;
    if (e.kind === "note" && /^b\d+$/.test(e.actor) && d?.error === error && e.text.includes(producer)) return e;
  }
  return undefined;
}

function ControlNodeInspector({ id, cluster }: { id: string; cluster: ClusterView }) {
  const sim = useSim((s) => s.sim);
  const detail = cluster.controller.detail;
  const alive = sim.actors().find((a) => a.id === id)?.alive ?? false;
  const voter = detail.kind === "kraft" ? detail.voters.find((v) => v.actorId === id) : undefined;
  const zk = detail.kind === "zookeeper" ? detail.ensemble.find((z) => z.actorId === id) : undefined;
  return (
    <>
      <h2 data-testid="inspector-title">
        {detail.kind === "kraft" ? "Controller" : "ZooKeeper server"} {id}{" "}
        <span className="pill">{alive ? (voter?.state ?? sim.actorState(id) ?? "") : "down"}</span>
        {cluster.controller.activeControllerId === id ? <span className="pill ok">active</span> : null}
      </h2>
      {voter ? (
        <dl className="config">
          <dt>node id</dt>
          <dd>{voter.nodeId}</dd>
          <dt>quorum epoch</dt>
          <dd>{voter.epoch}</dd>
          <dt>metadata log end offset</dt>
          <dd>{voter.logEndOffset}</dd>
          <dt>metadata high watermark</dt>
          <dd>{voter.highWatermark}</dd>
        </dl>
      ) : null}
      {zk ? (
        <p>
          {zk.alive
            ? zk.serving
              ? "Serving requests: a majority of the ensemble is up."
              : "Not serving: no majority."
            : "Down."}
        </p>
      ) : null}
      <div className="button-row" role="group" aria-label={`Actions on ${id}`}>
        {alive ? (
          <button type="button" className="danger" onClick={() => act({ type: "crash", node: id })}>
            Crash {id}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => act({ type: "restart", node: id })}>
            Restart {id}
          </button>
        )}
      </div>
      <p className="note">See the Controller tab for the whole quorum, its metadata log or the znode tree.</p>
    </>
  );
}
