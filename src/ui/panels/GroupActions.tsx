// Consumer-group actions: add a consumer (to a new or existing group),
// remove one (a clean close: it leaves the group), crash or stall one, and
// reset a group's offsets to replay (to the earliest or latest offset, an
// offset or a time). Each becomes a timed input via act(); a reset the
// coordinator refuses (the group still has members) shows its reason here.

import { useState } from "react";
import type { ClusterView } from "../../engine/index.ts";
import { act, actInline, useSim } from "../../store/simStore.ts";
import {
  validateAddConsumer,
  validateResetOffsets,
  validateStall,
  type AddConsumerForm,
  type FieldErrors,
  type ResetTarget,
} from "../forms/validate.ts";
import { FieldError } from "./FieldError.tsx";

export function GroupActions({ cluster }: { cluster: ClusterView }) {
  const sim = useSim((s) => s.sim);
  const groups = cluster.groups ?? [];
  const consumers = cluster.consumers ?? [];
  const [stallMs, setStallMs] = useState("5000");
  const [stallError, setStallError] = useState<string | undefined>(undefined);
  const stall = (id: string) => {
    const v = validateStall(stallMs);
    setStallError(v.errors.forMs);
    if (v.input) act({ type: "stallConsumer", id, forMs: v.input.forMs });
  };
  return (
    <section aria-label="Consumer groups" className="group-actions">
      <h3>Consumer groups</h3>
      {consumers.length > 0 ? (
        <>
          <label className="form-row">
            Stall for (ms)
            <input
              value={stallMs}
              onChange={(e) => setStallMs(e.target.value)}
              size={6}
              inputMode="numeric"
              aria-invalid={stallError ? true : undefined}
            />
          </label>
          <FieldError text={stallError} />
          <ul className="consumer-actions">
            {consumers.map((c) => (
              <li key={c.id}>
                <span className="consumer-name">
                  {c.id} <span className="muted">({c.groupId})</span>
                  {c.alive ? "" : " down"}
                </span>
                <button
                  type="button"
                  onClick={() => act({ type: "removeConsumer", id: c.id })}
                  disabled={!c.alive}
                  aria-label={`Remove consumer ${c.id}`}
                >
                  Remove
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => act({ type: "crash", node: c.id })}
                  disabled={!c.alive}
                  aria-label={`Crash consumer ${c.id}`}
                >
                  Crash
                </button>
                <button
                  type="button"
                  onClick={() => stall(c.id)}
                  disabled={!c.alive}
                  aria-label={`Stall consumer ${c.id}`}
                >
                  Stall
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {groups.map((g) => (
        <ResetOffsets key={g.groupId} cluster={cluster} group={g} />
      ))}
      <AddConsumer
        cluster={cluster}
        existingIds={sim.actors().map((a) => a.id)}
        defaultGroup={groups[0]?.groupId ?? "group-1"}
      />
    </section>
  );
}

function AddConsumer({
  cluster,
  existingIds,
  defaultGroup,
}: {
  cluster: ClusterView;
  existingIds: string[];
  defaultGroup: string;
}) {
  const topics = cluster.controller.topics.map((t) => t.name).filter((t) => !t.startsWith("__"));
  const [form, setForm] = useState<AddConsumerForm>({
    id: "",
    groupId: defaultGroup,
    topics: topics[0] ?? "",
    processingMs: "",
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (patch: Partial<AddConsumerForm>) => setForm((f) => ({ ...f, ...patch }));
  const field = (key: keyof AddConsumerForm, label: string, size: number, placeholder?: string) => (
    <label>
      {label}
      <input
        value={form[key]}
        onChange={(e) => set({ [key]: e.target.value })}
        size={size}
        placeholder={placeholder}
        aria-invalid={errors[key] ? true : undefined}
        inputMode={key === "processingMs" ? "numeric" : "text"}
      />
    </label>
  );
  return (
    <form
      className="stacked-form"
      aria-label="Add a consumer"
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateAddConsumer(form, existingIds, topics);
        setErrors(v.errors);
        if (v.input && act(v.input)) set({ id: "" });
      }}
    >
      <h3>Add a consumer</h3>
      <div className="form-row">
        {field("id", "Consumer id", 8, "c9")}
        {field("groupId", "Group id", 10)}
      </div>
      <FieldError text={errors.id} />
      <FieldError text={errors.groupId} />
      <div className="form-row">
        {field("topics", "Topics", 12, "orders, payments")}
        {field("processingMs", "Processing ms per record", 4, "0")}
      </div>
      <FieldError text={errors.topics} />
      <FieldError text={errors.processingMs} />
      <button type="submit">Add consumer</button>
    </form>
  );
}

const TARGET_LABEL: Record<ResetTarget, string> = {
  earliest: "the earliest offset",
  latest: "the latest offset",
  offset: "an offset",
  time: "a time",
};

/** kafka-consumer-groups --reset-offsets for one group: topic, all partitions or one, and where to. */
function ResetOffsets({ cluster, group }: { cluster: ClusterView; group: ClusterView["groups"][number] }) {
  const nowMs = useSim((s) => s.sim.nowMs);
  const topics = cluster.controller.topics
    .filter((t) => !t.name.startsWith("__"))
    .map((t) => ({ name: t.name, partitions: t.numPartitions }));
  const groupTopics = [...new Set(group.partitions.map((p) => p.topic))];
  const [topic, setTopic] = useState(groupTopics[0] ?? topics[0]?.name ?? "");
  const [partition, setPartition] = useState("all");
  const [target, setTarget] = useState<ResetTarget>("earliest");
  const [value, setValue] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<string | null>(null);
  const n = topics.find((t) => t.name === topic)?.partitions ?? 0;
  const members = group.members.length;
  const id = `reset-${group.groupId}`;
  return (
    <form
      className="stacked-form reset-form"
      aria-label={`Reset offsets of ${group.groupId}`}
      data-testid={`reset-form-${group.groupId}`}
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateResetOffsets(group.groupId, topic, partition, target, value, topics);
        setDone(null);
        if (!v.input) {
          setErrors(v.errors);
          return;
        }
        const r = actInline(v.input);
        if (r.ok) {
          setErrors({});
          setDone(r.report ?? `Reset ${group.groupId} on ${topic} to ${TARGET_LABEL[target]}.`);
        } else setErrors({ refused: r.report ?? "The reset was refused." });
      }}
    >
      <h4>
        Reset offsets of {group.groupId}{" "}
        <span className="muted">
          ({group.state}, {members} member{members === 1 ? "" : "s"})
        </span>
      </h4>
      <div className="form-row">
        <label>
          Topic
          <select value={topic} onChange={(e) => setTopic(e.target.value)} aria-label="Topic">
            {topics.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Partition
          <select
            value={partition}
            onChange={(e) => setPartition(e.target.value)}
            aria-label="Partition"
            aria-invalid={errors.partition ? true : undefined}
          >
            <option value="all">all</option>
            {Array.from({ length: n }, (_, i) => (
              <option key={i} value={String(i)}>
                {i}
              </option>
            ))}
          </select>
        </label>
        <label>
          Reset to
          <select value={target} onChange={(e) => setTarget(e.target.value as ResetTarget)} aria-label="Reset to">
            <option value="earliest">earliest</option>
            <option value="latest">latest</option>
            <option value="offset">offset…</option>
            <option value="time">time…</option>
          </select>
        </label>
        {target === "offset" || target === "time" ? (
          <label>
            {target === "offset" ? "Offset" : "Time (ms)"}
            <input
              inputMode="numeric"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              size={8}
              placeholder={target === "time" ? String(Math.floor(nowMs)) : "0"}
              aria-label={target === "offset" ? "Offset" : "Time (ms)"}
              aria-invalid={errors.value ? true : undefined}
              aria-describedby={`${id}-hint`}
            />
          </label>
        ) : null}
      </div>
      <FieldError text={errors.topic ?? errors.partition ?? errors.value ?? errors.target} />
      <FieldError text={errors.refused} />
      {done ? (
        <p className="ok-text" role="status">
          {done}
        </p>
      ) : null}
      <p className="muted small" id={`${id}-hint`}>
        {target === "time"
          ? `To the first record at or after that virtual time (now: ${Math.floor(nowMs)} ms). `
          : target === "offset"
            ? "Kept between each partition's log start and its high watermark. "
            : ""}
        Kafka resets a group only while it is Empty: stop its consumers first.
      </p>
      <button type="submit" aria-label={`Reset offsets of ${group.groupId}`}>
        Reset offsets
      </button>
    </form>
  );
}
