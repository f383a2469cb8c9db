// The inspector for a consumer group (state, generation, protocol, assignor,
// members and their assignments, committed offsets and lag per partition,
// recent rebalances) and for one consumer (its group, member id, generation,
// assigned partitions with position, committed offset and lag, its member and
// application states, recent commits), with what you can do to each.

import { useState } from "react";
import type { ClusterView } from "../../engine/index.ts";
import { act, select, useSim } from "../../store/simStore.ts";
import { groupStateLabel } from "../cluster/groupLag.ts";
import { formatSeconds } from "../format.ts";
import { validateStall } from "../forms/validate.ts";
import { FieldError } from "./FieldError.tsx";
import { Table } from "./Table.tsx";

type GroupView = ClusterView["groups"][number];

const dash = (n: number | null) => (n === null ? "–" : String(n));

function GroupLink({ groupId }: { groupId: string }) {
  return (
    <button type="button" className="linklike" onClick={() => select({ kind: "group", groupId })}>
      {groupId}
    </button>
  );
}

function ConsumerLink({ id }: { id: string }) {
  return (
    <button type="button" className="linklike" onClick={() => select({ kind: "consumer", id })}>
      {id}
    </button>
  );
}

export function GroupInspector({ groupId, cluster }: { groupId: string; cluster: ClusterView }) {
  const g: GroupView | undefined = (cluster.groups ?? []).find((x) => x.groupId === groupId);
  if (!g) return <p className="muted">No group {groupId}.</p>;
  const consumers = (cluster.consumers ?? []).filter((c) => c.groupId === groupId);
  const stateClass = g.rebalanceInProgress ? "warn" : g.state === "Stable" ? "ok" : "";
  return (
    <>
      <h2 data-testid="inspector-title">
        Group {g.groupId}{" "}
        <span className={`pill ${stateClass}`} data-testid="group-inspector-state">
          {groupStateLabel(g.state)}
        </span>
      </h2>
      <dl className="config" data-testid="group-details">
        <dt>{g.protocol === "consumer" ? "group epoch" : "generation"}</dt>
        <dd>{g.generation}</dd>
        <dt>protocol</dt>
        <dd>{g.protocol === "consumer" ? "consumer (KIP-848)" : (g.protocol ?? "–")}</dd>
        <dt>assignor</dt>
        <dd>
          {g.assignor ?? "none yet"}
          {g.rebalanceProtocol ? ` (${g.rebalanceProtocol.toLowerCase()})` : ""}
        </dd>
        <dt>coordinator</dt>
        <dd>{g.coordinator === null ? "none loaded" : `b${g.coordinator}`}</dd>
        <dt>offsets partition</dt>
        <dd>__consumer_offsets-{g.offsetsPartition}</dd>
        {g.leader ? (
          <>
            <dt>leader member</dt>
            <dd>{g.leader}</dd>
          </>
        ) : null}
        <dt>lag (HW − committed)</dt>
        <dd>{g.totalLag}</dd>
        <dt>read / duplicates / skips</dt>
        <dd>
          {g.recordsRead} / {g.duplicates} / {g.skips}
        </dd>
      </dl>
      <h3>Members</h3>
      {g.members.length === 0 ? (
        <p className="muted">None: the group is {g.state === "Empty" ? "Empty" : "without members"}.</p>
      ) : (
        <Table head={["consumer", "state", "assigned"]} label={`Members of ${g.groupId}`}>
          {g.members.map((m) => (
            <tr key={m.memberId}>
              <td>
                <ConsumerLink id={m.clientId} />
              </td>
              <td>{m.state}</td>
              <td>{m.assignment.join(", ") || "–"}</td>
            </tr>
          ))}
        </Table>
      )}
      {consumers.some((c) => !g.members.some((m) => m.clientId === c.id)) ? (
        <p className="muted small">
          Not members now:{" "}
          {consumers
            .filter((c) => !g.members.some((m) => m.clientId === c.id))
            .map((c) => `${c.id} (${c.alive ? c.memberState : "down"})`)
            .join(", ")}
        </p>
      ) : null}
      <h3>Offsets</h3>
      <Table head={["partition", "committed", "HW", "lag", "owner"]} label={`Offsets of ${g.groupId}`}>
        {g.partitions.map((p) => (
          <tr key={`${p.topic}-${p.partition}`}>
            <td>
              {p.topic}-{p.partition}
            </td>
            <td>{dash(p.committed)}</td>
            <td>{p.highWatermark}</td>
            <td className={p.lag > 0 ? "lagging-cell" : ""}>{p.lag}</td>
            <td>{p.owner ?? "–"}</td>
          </tr>
        ))}
      </Table>
      {g.rebalances.length > 0 ? (
        <>
          <h3>Rebalances</h3>
          <p className="muted small">{g.rebalances.length} so far.</p>
        </>
      ) : null}
      <p className="note">
        kafka-consumer-groups --describe shows the same: committed offsets from __consumer_offsets, lag against each
        partition's high watermark. Resetting offsets (Actions) needs the group Empty.
      </p>
    </>
  );
}

export function ConsumerInspector({ id, cluster }: { id: string; cluster: ClusterView }) {
  const nowMs = useSim((s) => s.sim.nowMs);
  const [stallMs, setStallMs] = useState("5000");
  const [stallError, setStallError] = useState<string | undefined>(undefined);
  const c = (cluster.consumers ?? []).find((x) => x.id === id);
  if (!c) return <p className="muted">No consumer {id}.</p>;
  const stalled = c.alive && c.stalledUntilMs > nowMs;
  const commits = c.commits.slice(-5).reverse();
  return (
    <>
      <h2 data-testid="inspector-title">
        Consumer {c.id}{" "}
        <span className={`pill${c.alive ? "" : " warn"}`} data-testid="consumer-inspector-state">
          {c.alive ? c.memberState : "down"}
        </span>
        {c.isLeader ? <span className="pill ok">group leader</span> : null}
        {stalled ? <span className="pill warn">stalled</span> : null}
      </h2>
      <dl className="config" data-testid="consumer-details">
        <dt>group</dt>
        <dd>
          <GroupLink groupId={c.groupId} />
        </dd>
        <dt>member id</dt>
        <dd className="wrap">{c.memberId || "none yet"}</dd>
        <dt>{c.protocol === "consumer" ? "member epoch" : "generation"}</dt>
        <dd>{c.generation}</dd>
        <dt>protocol</dt>
        <dd>{c.protocol === "consumer" ? "consumer (KIP-848)" : "classic"}</dd>
        <dt>coordinator</dt>
        <dd>{c.coordinator === null ? "not found yet" : `b${c.coordinator}`}</dd>
        <dt>subscribed to</dt>
        <dd>{c.topics.join(", ")}</dd>
        <dt>application</dt>
        <dd>
          {c.appState}
          {stalled ? ` until ${formatSeconds(c.stalledUntilMs)}` : ""}, {c.processingMsPerRecord} ms per record
        </dd>
        <dt>lag (HW − position)</dt>
        <dd data-testid="consumer-lag">{c.lag}</dd>
        <dt>read / duplicates / skips</dt>
        <dd>
          {c.recordsRead} / {c.duplicates} / {c.skips}
        </dd>
        {c.fatal ? (
          <>
            <dt>fatal error</dt>
            <dd className="danger-text">{c.fatal}</dd>
          </>
        ) : null}
      </dl>
      <h3>Assigned partitions</h3>
      {c.partitions.length === 0 ? (
        <p className="muted">{c.alive ? "None: it is idle or waiting for an assignment." : "None: it is down."}</p>
      ) : (
        <Table head={["partition", "position", "committed", "HW", "lag"]} label={`Partitions of ${c.id}`}>
          {c.partitions.map((p) => (
            <tr key={`${p.topic}-${p.partition}`} data-testid={`consumer-partition-${p.topic}-${p.partition}`}>
              <td>
                {p.topic}-{p.partition}
                {p.paused ? " (paused)" : ""}
              </td>
              <td>{dash(p.position)}</td>
              <td>{dash(p.committed)}</td>
              <td>{p.highWatermark}</td>
              <td className={(p.lag ?? 0) > 0 ? "lagging-cell" : ""}>{dash(p.lag)}</td>
            </tr>
          ))}
        </Table>
      )}
      <div className="button-row" role="group" aria-label={`Actions on ${c.id}`}>
        {c.alive ? (
          <>
            <button type="button" onClick={() => act({ type: "removeConsumer", id: c.id })}>
              Close {c.id}
            </button>
            <button type="button" className="danger" onClick={() => act({ type: "crash", node: c.id })}>
              Crash {c.id}
            </button>
          </>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={() => act({ type: "addConsumer", id: c.id, groupId: c.groupId, topics: c.topics })}
          >
            Start {c.id} again
          </button>
        )}
      </div>
      {c.alive ? (
        <form
          className="inline-form"
          aria-label={`Stall ${c.id}`}
          onSubmit={(e) => {
            e.preventDefault();
            const v = validateStall(stallMs);
            setStallError(v.errors.forMs);
            if (v.input) act({ type: "stallConsumer", id: c.id, forMs: v.input.forMs });
          }}
        >
          <label>
            Stall for (ms)
            <input
              inputMode="numeric"
              value={stallMs}
              onChange={(e) => setStallMs(e.target.value)}
              aria-invalid={stallError ? true : undefined}
              size={7}
            />
          </label>
          <button type="submit">Stall {c.id}</button>
          <FieldError text={stallError} />
        </form>
      ) : null}
      <p className="muted small">
        Close: a clean close, it leaves the group at once. Crash: the coordinator notices only after session.timeout.ms.
        Stall: its application stops polling; heartbeats go on until max.poll.interval.ms.
      </p>
      {commits.length > 0 ? (
        <>
          <h3>Latest commits</h3>
          <Table head={["at", "offsets", "result"]} label={`Commits of ${c.id}`}>
            {commits.map((k, i) => (
              <tr key={`${k.atMs}-${i}`}>
                <td>{formatSeconds(k.atMs)}</td>
                <td>{k.offsets.map((o) => `${o.topic}-${o.partition}→${o.offset}`).join(", ")}</td>
                <td className={k.result === "NONE" || k.result === "pending" ? "" : "danger-text"}>
                  {k.result === "NONE" ? "ok" : k.result}
                </td>
              </tr>
            ))}
          </Table>
        </>
      ) : null}
      <p className="note">
        The member state is the consumer's own state machine (the engine steps it); its statechart is not drawn yet.
      </p>
    </>
  );
}
