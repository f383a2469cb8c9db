// Cluster-wide actions: the network, the controller, elections, topics and
// producers. Every one becomes a timed input through the store's act(); acting
// after a rewind forks a branch. Forms validate every field and name it in
// the error; what is typed stays plain text.

import { useState } from "react";
import type { ClusterView } from "../../engine/index.ts";
import { act, useDerived, useSim } from "../../store/simStore.ts";
import {
  validateAddPartitions,
  validateCreateTopic,
  validateIslands,
  validateProduce,
  type CreateTopicForm,
  type FieldErrors,
} from "../forms/validate.ts";
import { networkNodes } from "../networkNodes.ts";
import { FieldError } from "./FieldError.tsx";
import { GroupActions } from "./GroupActions.tsx";
import { SlowFollowerForm } from "./SlowFollower.tsx";

export function ActionsPanel() {
  const d = useDerived();
  const sim = useSim((s) => s.sim);
  const cluster = d.cluster;
  if (!cluster) return null;
  const partitioned = sim.islands().length > 1;
  const active = cluster.controller.activeControllerId;
  return (
    <div className="actions-panel" data-testid="actions-panel">
      <section aria-label="Network">
        <h3>Network</h3>
        <IslandsForm cluster={cluster} nodes={networkNodes(sim.actors())} />
        <div className="button-row">
          <button type="button" onClick={() => act({ type: "heal" })} disabled={!partitioned}>
            Heal the network
          </button>
        </div>
        <SlowFollowerForm cluster={cluster} />
      </section>
      <section aria-label="Controller">
        <h3>Controller</h3>
        <div className="button-row">
          {cluster.mode === "kraft" ? (
            <button
              type="button"
              className="danger"
              onClick={() => act({ type: "crashActiveController" })}
              disabled={!active}
            >
              Crash the active controller
            </button>
          ) : (
            <button
              type="button"
              className="danger"
              onClick={() => act({ type: "expireSession", broker: Number(String(active).replace(/^b/, "")) })}
              disabled={!active || !/^b\d+$/.test(active)}
            >
              Expire the controller's ZooKeeper session
            </button>
          )}
          <button type="button" onClick={() => act({ type: "electLeaders", electionType: "preferred" })}>
            Preferred leader election (all partitions)
          </button>
        </div>
      </section>
      <CreateTopic cluster={cluster} />
      <AddPartitions cluster={cluster} />
      {cluster.producers.length > 0 ? <QuickProduce cluster={cluster} /> : null}
      <GroupActions cluster={cluster} />
      <p className="note">
        Broker actions (crash, controlled shutdown, restart, pause, isolate) are on each broker: click it. Topic configs
        and elections for one partition: click the partition.
      </p>
    </div>
  );
}

function IslandsForm({ cluster, nodes }: { cluster: ClusterView; nodes: string[] }) {
  const [choice, setChoice] = useState<Record<string, number>>({});
  const [oneWay, setOneWay] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const islandOf = (n: string) => choice[n] ?? 1;
  const describe = (n: string) =>
    /^b\d+$/.test(n) ? "broker" : /^c\d+$/.test(n) ? "controller" : /^zk\d+$/.test(n) ? "ZooKeeper" : "client";
  return (
    <form
      className="stacked-form"
      aria-label="Partition the network"
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateIslands(Object.fromEntries(nodes.map((n) => [n, islandOf(n)])), oneWay);
        setErrors(v.errors);
        if (v.input) act(v.input);
      }}
    >
      <p className="muted small">Put each node in an island; islands cannot reach each other.</p>
      <div className="islands">
        {nodes.map((n) => (
          <label key={n} className="island-choice">
            <span>
              {n} <span className="muted">{describe(n)}</span>
            </span>
            <select
              aria-label={`Island of ${n}`}
              value={islandOf(n)}
              onChange={(e) => setChoice((c) => ({ ...c, [n]: Number(e.target.value) }))}
            >
              <option value={1}>island 1</option>
              <option value={2}>island 2</option>
              <option value={3}>island 3</option>
            </select>
          </label>
        ))}
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={oneWay} onChange={(e) => setOneWay(e.target.checked)} />
        one way only (lower island cannot reach higher ones)
      </label>
      <FieldError text={errors.islands} />
      <div className="button-row">
        <button type="submit" className="danger">
          Split the network
        </button>
      </div>
      <span className="visually-hidden">{cluster.brokers.length} brokers</span>
    </form>
  );
}

const EMPTY_TOPIC: CreateTopicForm = {
  name: "",
  partitions: "3",
  replicationFactor: "3",
  minInsyncReplicas: "2",
  uncleanLeaderElection: false,
  cleanupPolicy: "delete",
};

function CreateTopic({ cluster }: { cluster: ClusterView }) {
  const [form, setForm] = useState<CreateTopicForm>({
    ...EMPTY_TOPIC,
    replicationFactor: String(Math.min(3, cluster.brokers.length)),
    minInsyncReplicas: String(Math.min(2, cluster.brokers.length)),
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (patch: Partial<CreateTopicForm>) => setForm((f) => ({ ...f, ...patch }));
  const field = (key: keyof CreateTopicForm, label: string, size: number) => (
    <label>
      {label}
      <input
        value={String(form[key])}
        onChange={(e) => set({ [key]: e.target.value })}
        size={size}
        aria-invalid={errors[key] ? true : undefined}
        inputMode={key === "name" ? "text" : "numeric"}
      />
    </label>
  );
  return (
    <form
      className="stacked-form"
      aria-label="Create a topic"
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateCreateTopic(
          form,
          cluster.controller.topics.map((t) => t.name),
          cluster.brokers.length,
        );
        setErrors(v.errors);
        if (v.input && act(v.input)) setForm((f) => ({ ...f, name: "" }));
      }}
    >
      <h3>Create a topic</h3>
      <div className="form-row">{field("name", "Topic name", 14)}</div>
      <FieldError text={errors.name} />
      <div className="form-row">
        {field("partitions", "Partitions", 3)}
        {field("replicationFactor", "Replication factor", 3)}
        {field("minInsyncReplicas", "min.insync.replicas", 3)}
      </div>
      <FieldError text={errors.partitions} />
      <FieldError text={errors.replicationFactor} />
      <FieldError text={errors.minInsyncReplicas} />
      <div className="form-row">
        <label>
          cleanup.policy
          <select value={form.cleanupPolicy} onChange={(e) => set({ cleanupPolicy: e.target.value })}>
            <option value="delete">delete</option>
            <option value="compact">compact</option>
            <option value="compact,delete">compact,delete</option>
          </select>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={form.uncleanLeaderElection}
            onChange={(e) => set({ uncleanLeaderElection: e.target.checked })}
          />
          unclean.leader.election.enable
        </label>
      </div>
      <FieldError text={errors.cleanupPolicy} />
      <button type="submit">Create topic</button>
    </form>
  );
}

function AddPartitions({ cluster }: { cluster: ClusterView }) {
  const topics = cluster.controller.topics
    .filter((t) => !t.name.startsWith("__"))
    .map((t) => ({ name: t.name, partitions: t.numPartitions }));
  const [topic, setTopic] = useState(topics[0]?.name ?? "");
  const [total, setTotal] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  if (topics.length === 0) return null;
  const current = topics.find((t) => t.name === topic);
  return (
    <form
      className="stacked-form"
      aria-label="Add partitions"
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateAddPartitions(topic, total, topics);
        setErrors(v.errors);
        if (v.input) act(v.input);
      }}
    >
      <h3>Add partitions</h3>
      <div className="form-row">
        <label>
          Topic
          <select value={topic} onChange={(e) => setTopic(e.target.value)}>
            {topics.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} ({t.partitions})
              </option>
            ))}
          </select>
        </label>
        <label>
          New partition count
          <input
            inputMode="numeric"
            value={total}
            placeholder={current ? String(current.partitions + 1) : ""}
            onChange={(e) => setTotal(e.target.value)}
            aria-invalid={errors.totalCount ? true : undefined}
            size={3}
          />
        </label>
        <button type="submit">Add partitions</button>
      </div>
      <FieldError text={errors.topic ?? errors.totalCount} />
      <p className="muted small">Keys may map to other partitions afterwards: Kafka hashes a key modulo the count.</p>
    </form>
  );
}

function QuickProduce({ cluster }: { cluster: ClusterView }) {
  const producers = cluster.producers.map((p) => p.id);
  const [producer, setProducer] = useState(producers[0]);
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  return (
    <form
      className="stacked-form"
      aria-label="Produce a record"
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateProduce(producer, key, value, producers);
        setErrors(v.errors);
        if (v.input) act(v.input);
      }}
    >
      <h3>Produce a record by hand</h3>
      <div className="form-row">
        <label>
          Producer
          <select value={producer} onChange={(e) => setProducer(e.target.value)}>
            {producers.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Key
          <input value={key} onChange={(e) => setKey(e.target.value)} size={7} />
        </label>
        <label>
          Value
          <input value={value} onChange={(e) => setValue(e.target.value)} size={9} />
        </label>
        <button type="submit">Produce</button>
      </div>
      <FieldError text={errors.producer ?? errors.key ?? errors.value} />
    </form>
  );
}
