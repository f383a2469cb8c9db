import { describe, expect, it } from "vitest";
import { CLASSROOM_TIMINGS, KAFKA_DEFAULT_TIMINGS } from "../profile.ts";
import { checkProducersInScenario, producerSchema } from "./schema.ts";
import { producerDefaults, resolveProducerSettings } from "./settings.ts";

const defaults = producerDefaults("kafka-defaults", KAFKA_DEFAULT_TIMINGS);
const resolve = (written: Record<string, unknown>) => resolveProducerSettings(written, defaults);

describe("producer settings, resolved as KafkaProducer resolves them", () => {
  it("has Kafka 3.9's defaults (acks=all, idempotence on, linger.ms=0, batch.size=16384, 5 in flight)", () => {
    const { settings, problems, notes } = resolve({});
    expect(problems).toEqual([]);
    expect(notes).toEqual([]);
    expect(settings).toMatchObject({
      acks: -1,
      idempotent: true,
      lingerMs: 0,
      batchSize: 16_384,
      maxInFlight: 5,
      retries: 2_147_483_647,
      retryBackoffMs: 100,
      retryBackoffMaxMs: 1_000,
      deliveryTimeoutMs: 120_000,
      requestTimeoutMs: 30_000,
      partitioner: "built-in",
      adaptivePartitioning: true,
      ignoreKeys: false,
      transactionalId: null,
    });
  });

  it("scales with the Classroom profile like the broker timings", () => {
    expect(producerDefaults("classroom", CLASSROOM_TIMINGS)).toMatchObject({
      batchSize: 1_024,
      requestTimeoutMs: 5_000,
      deliveryTimeoutMs: 30_000,
    });
  });

  it("turns idempotence off silently when acks, retries or max.in.flight conflict and it was not asked for", () => {
    for (const w of [{ acks: 1 }, { retries: 0 }, { "max.in.flight.requests.per.connection": 6 }, { acks: "0" }]) {
      const r = resolve(w);
      expect(r.problems).toEqual([]);
      expect(r.settings.idempotent).toBe(false);
      expect(r.notes[0]).toContain("idempotence is off");
    }
  });

  it("refuses conflicts with enable.idempotence=true written explicitly (ConfigException)", () => {
    const r = resolve({ "enable.idempotence": true, acks: 1, "max.in.flight.requests.per.connection": 10 });
    expect(r.problems.map((p) => p.message)).toEqual([
      "max.in.flight.requests.per.connection must be at most 5 to use the idempotent producer",
      "acks must be all to use the idempotent producer",
    ]);
  });

  it("needs idempotence for a transactional.id", () => {
    expect(resolve({ "transactional.id": "t", acks: 1 }).problems[0].key).toBe("transactional.id");
    expect(resolve({ "transactional.id": "t", "enable.idempotence": false }).problems[0].message).toContain(
      "enable.idempotence=false",
    );
    expect(resolve({ "transactional.id": "t" }).settings).toMatchObject({ idempotent: true, transactionalId: "t" });
  });

  it("raises delivery.timeout.ms to linger.ms + request.timeout.ms when left default, refuses it when written lower", () => {
    expect(resolve({ "linger.ms": 100_000 }).settings.deliveryTimeoutMs).toBe(130_000);
    expect(resolve({ "delivery.timeout.ms": 1_000 }).problems[0].key).toBe("delivery.timeout.ms");
  });

  it("names unknown settings and wrong types", () => {
    const r = resolve({ "linger.msec": 5, "batch.size": "big", "partitioner.class": "MyPartitioner" });
    expect(r.problems.map((p) => p.key)).toEqual(["batch.size", "linger.msec", "partitioner.class"]);
    expect(
      resolve({ "partitioner.class": "org.apache.kafka.clients.producer.RoundRobinPartitioner" }).settings.partitioner,
    ).toBe("round-robin");
  });

  it("the scenario fragment validates producers against topics, ids and settings", () => {
    const p = producerSchema.parse({ id: "p1", topic: "orders", config: { acks: 1, "enable.idempotence": true } });
    const issues: string[] = [];
    checkProducersInScenario(
      { profile: "classroom", topics: [{ name: "payments" }], producers: [p, { ...p, id: "b1" }] },
      new Set(["b1"]),
      (path, message) => issues.push(`${path.join(".")}: ${message}`),
    );
    expect(issues).toEqual([
      'producers.0.topic: no topic "orders" in this scenario',
      "producers.0.config.enable.idempotence: acks must be all to use the idempotent producer",
      'producers.1.id: "b1" is already the id of another node',
      'producers.1.topic: no topic "orders" in this scenario',
      "producers.1.config.enable.idempotence: acks must be all to use the idempotent producer",
    ]);
    expect(() => producerSchema.parse({ id: "p1", topic: "orders", rate: 5 })).toThrow();
  });
});
