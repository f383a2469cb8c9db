// Consumer-group actions: add a consumer (to a new or existing group),
// remove one (a clean close: it leaves the group), crash or stall one, and
// reset a group's offsets to replay. Each becomes a timed input via act().

import { useState } from "react";
import type { ClusterView } from "../../engine/index.ts";
import { act, useSim } from "../../store/simStore.ts";
import { validateAddConsumer, validateStall, type AddConsumerForm, type FieldErrors } from "../forms/validate.ts";
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
      {groups.map((g) => {
        const topics = [...new Set(g.partitions.map((p) => p.topic))];
        return topics.map((topic) => (
          <div className="button-row reset-row" key={`${g.groupId}|${topic}`}>
            <span>
              Reset {g.groupId} on {topic} to
            </span>
            {(["earliest", "latest"] as const).map((to) => (
              <button
                key={to}
                type="button"
                onClick={() => act({ type: "resetOffsets", groupId: g.groupId, topic, to })}
                aria-label={`Reset offsets of ${g.groupId} on ${topic} to ${to}`}
              >
                {to}
              </button>
            ))}
          </div>
        ));
      })}
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
