// The control plane in detail: the KRaft quorum and its metadata log, or the
// ZooKeeper ensemble with its sessions (and their expiry countdown) and the
// znode tree Kafka keeps there.

import type { ClusterView, KraftDetail, ZookeeperDetail } from "../../engine/index.ts";
import { act, useDerived, useSim } from "../../store/simStore.ts";
import { formatSeconds, formatSessionId } from "../format.ts";

export function ControllerPanel() {
  const d = useDerived();
  const nowMs = useSim((s) => s.sim.nowMs);
  const cluster = d.cluster;
  if (!cluster) return <p className="muted">This scenario has no cluster.</p>;
  const c = cluster.controller;
  return (
    <div
      className="controller-panel"
      data-testid="controller-panel"
      data-active-controller={c.activeControllerId ?? ""}
    >
      <p className="controller-summary">
        <strong>{c.detail.kind === "kraft" ? "KRaft" : "ZooKeeper mode"}</strong>: active controller{" "}
        <strong data-testid="active-controller">{c.activeControllerId ?? "none"}</strong>, epoch{" "}
        <strong>{c.controllerEpoch}</strong>
      </p>
      {c.detail.kind === "kraft" ? (
        <Kraft detail={c.detail} cluster={cluster} />
      ) : (
        <Zk detail={c.detail} nowMs={nowMs} cluster={cluster} />
      )}
      <h3>Brokers as the controller sees them</h3>
      <table className="compact">
        <thead>
          <tr>
            <th>broker</th>
            <th>epoch</th>
            <th>state</th>
          </tr>
        </thead>
        <tbody>
          {c.brokers.map((b) => (
            <tr key={b.id}>
              <td>b{b.id}</td>
              <td>{b.epoch}</td>
              <td>{b.fenced ? "fenced" : b.inControlledShutdown ? "in controlled shutdown" : "live"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Kraft({ detail, cluster }: { detail: KraftDetail; cluster: ClusterView }) {
  const active = cluster.controller.activeControllerId;
  return (
    <>
      <h3>Quorum voters</h3>
      <table className="compact" data-testid="kraft-voters">
        <thead>
          <tr>
            <th>node</th>
            <th>state</th>
            <th>epoch</th>
            <th>LEO</th>
            <th>HW</th>
          </tr>
        </thead>
        <tbody>
          {detail.voters.map((v) => (
            <tr key={v.actorId} className={v.actorId === active ? "active-row" : v.alive ? "" : "down-row"}>
              <td>
                {v.actorId} <span className="muted">({v.nodeId})</span>
              </td>
              <td>{v.alive ? v.state : "down"}</td>
              <td>{v.epoch}</td>
              <td>{v.logEndOffset}</td>
              <td>{v.highWatermark}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="button-row">
        <button
          type="button"
          className="danger"
          onClick={() => act({ type: "crashActiveController" })}
          disabled={!active}
        >
          Crash the active controller
        </button>
      </div>
      <h3>
        <code>__cluster_metadata</code>, newest first
      </h3>
      <ul className="metadata-log">
        {[...detail.recentRecords].reverse().map((r) => (
          <li key={r.offset}>
            <span className="mono">
              {r.offset} · e{r.epoch}
            </span>{" "}
            <strong>{r.type}</strong>
            <br />
            <span className="muted">{r.summary}</span>
          </li>
        ))}
      </ul>
      <p className="note">
        In real Kafka the metadata log is a replicated Raft log on disk with snapshots; here it keeps its records and
        their order, not their bytes.
      </p>
    </>
  );
}

interface ZnodeLine {
  path: string;
  depth: number;
  name: string;
  data: string;
  ephemeralOwner: number | null;
}

/** The znodes a teacher talks about, as an indented tree; partition states parsed to plain words. */
function znodeLines(detail: ZookeeperDetail): ZnodeLine[] {
  const wanted = (p: string) =>
    p === "/brokers" ||
    p.startsWith("/brokers/ids") ||
    p === "/controller" ||
    p === "/controller_epoch" ||
    p === "/brokers/topics" ||
    /^\/brokers\/topics\/[^/]+$/.test(p) ||
    /^\/brokers\/topics\/[^/]+\/partitions\/\d+\/state$/.test(p);
  return detail.znodes
    .filter((z) => wanted(z.path))
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((z) => {
      const parts = z.path.split("/").filter(Boolean);
      const isState = parts.length === 6 && parts[5] === "state";
      return {
        path: z.path,
        depth: isState ? 3 : parts.length - 1,
        name: isState ? `partitions/${parts[4]}/state` : (parts[parts.length - 1] ?? "/"),
        data: z.data,
        ephemeralOwner: z.ephemeralOwner,
      };
    });
}

function describeZnode(line: ZnodeLine): string {
  if (line.data === "") return "";
  let value: unknown;
  try {
    value = JSON.parse(line.data);
  } catch {
    return line.data.slice(0, 60);
  }
  if (typeof value === "number") return String(value);
  if (typeof value !== "object" || value === null) return String(value).slice(0, 60);
  const v = value as Record<string, unknown>;
  if (line.path === "/controller") return `broker ${String(v.brokerid)}`;
  if (line.path.endsWith("/state"))
    return `leader ${String(v.leader)}, leader epoch ${String(v.leader_epoch)}, ISR [${Array.isArray(v.isr) ? v.isr.join(",") : ""}], controller epoch ${String(v.controller_epoch)}`;
  if (line.path.startsWith("/brokers/ids/")) return `${String(v.host)}:${String(v.port)}`;
  if (v.partitions && typeof v.partitions === "object")
    return Object.entries(v.partitions as Record<string, unknown>)
      .map(([p, r]) => `${p}: [${Array.isArray(r) ? r.join(",") : ""}]`)
      .join("  ");
  return line.data.slice(0, 60);
}

function Zk({ detail, nowMs, cluster }: { detail: ZookeeperDetail; nowMs: number; cluster: ClusterView }) {
  const lines = znodeLines(detail);
  return (
    <>
      <h3>Ensemble</h3>
      <p className="zk-ensemble">
        {detail.ensemble.map((z) => (
          <span key={z.actorId} className={`pill ${z.alive ? (z.serving ? "ok" : "warn") : "bad"}`}>
            {z.actorId}: {z.alive ? (z.serving ? "serving" : "not serving") : "down"}
          </span>
        ))}
      </p>
      <h3>Broker sessions</h3>
      <table className="compact" data-testid="zk-sessions">
        <thead>
          <tr>
            <th>broker</th>
            <th>session</th>
            <th>expires in</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {detail.sessions.map((s) => {
            const left = s.expiresAtMs - nowMs;
            return (
              <tr key={s.sessionId}>
                <td>b{s.ownerBrokerId}</td>
                <td className="mono">{formatSessionId(s.sessionId)}</td>
                <td className={left < 1000 ? "danger-text" : ""}>{left > 0 ? formatSeconds(left) : "now"}</td>
                <td>
                  <button
                    type="button"
                    className="small-button"
                    aria-label={`Expire b${s.ownerBrokerId}'s ZooKeeper session`}
                    onClick={() => act({ type: "expireSession", broker: s.ownerBrokerId })}
                  >
                    Expire
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="note">
        A session is kept alive by pings; it expires after zookeeper.session.timeout.ms without one, and its ephemeral
        znodes (/brokers/ids/N, /controller) vanish with it.
      </p>
      <h3>Znodes</h3>
      <ul className="znode-tree" data-testid="znode-tree" aria-label="Znode tree">
        {lines.map((l) => (
          <li key={l.path} style={{ paddingLeft: `${l.depth * 14}px` }} data-path={l.path}>
            <span className="mono">{l.depth === 0 ? l.path : l.name}</span>
            {l.ephemeralOwner !== null ? (
              <span className="pill small">ephemeral {formatSessionId(l.ephemeralOwner)}</span>
            ) : null}
            {describeZnode(l) ? <span className="muted"> {describeZnode(l)}</span> : null}
          </li>
        ))}
      </ul>
      <p className="note">
        In real Kafka the ZooKeeper ensemble runs Zab with its own leader election and disk logs; here it is simplified
        to a store that serves while a majority is up. Controller {cluster.controller.activeControllerId ?? "none"}{" "}
        caches this tree and sends LeaderAndIsr / UpdateMetadata to the brokers.
      </p>
    </>
  );
}
