import { describe, expect, it } from "vitest";
import { hashHex, hashUpdate, initialHashState, stableStringify } from "./hash.ts";
import {
  causeChain,
  DeliverTraceEvent,
  packMs,
  SendTraceEvent,
  TimerTraceEvent,
  traceHash,
  unpackMs,
  type TraceEvent,
} from "./trace.ts";

describe("trace hash", () => {
  it("does not depend on the order in which data fields were written", () => {
    const a: TraceEvent = {
      id: 1,
      time: 0,
      kind: "note",
      actor: "x",
      cause: 0,
      text: "t",
      data: { b: 1, a: [1, { d: 2, c: 3 }] },
    };
    const b: TraceEvent = {
      id: 1,
      time: 0,
      kind: "note",
      actor: "x",
      cause: 0,
      text: "t",
      data: { a: [1, { c: 3, d: 2 }], b: 1 },
    };
    expect(traceHash([a])).toBe(traceHash([b]));
  });

  it("changes with any field", () => {
    const base: TraceEvent = {
      id: 1,
      time: 5,
      kind: "note",
      actor: "x",
      cause: 0,
      text: "t",
    };
    const h = traceHash([base]);
    expect(traceHash([{ ...base, time: 6 }])).not.toBe(h);
    expect(traceHash([{ ...base, text: "u" }])).not.toBe(h);
    expect(traceHash([{ ...base, actor: "y" }])).not.toBe(h);
  });

  it("changes with the id, the cause and the data, on the message fast paths too", () => {
    const send: TraceEvent = {
      id: 3,
      time: 1.5,
      kind: "send",
      actor: "b1",
      cause: 2,
      text: "b1 sent Fetch to b2",
      data: { to: "b2", type: "Fetch", arriveAtMs: 1.75 },
    };
    const h = traceHash([send]);
    expect(traceHash([{ ...send, id: 4 }])).not.toBe(h);
    expect(traceHash([{ ...send, cause: 1 }])).not.toBe(h);
    expect(traceHash([{ ...send, data: { to: "b2", type: "Fetch", arriveAtMs: 1.7500001 } }])).not.toBe(h);
    expect(traceHash([{ ...send, data: { to: "b3", type: "Fetch", arriveAtMs: 1.75 } }])).not.toBe(h);
    expect(traceHash([{ ...send, kind: "deliver" }])).not.toBe(h);
    const note: TraceEvent = { ...send, kind: "note", data: { n: 1 } };
    expect(traceHash([{ ...note, data: { n: 2 } }])).not.toBe(traceHash([note]));
    // Times that print alike but differ in their last bits still differ.
    expect(traceHash([{ ...note, time: 0.1 + 0.2 }])).not.toBe(traceHash([{ ...note, time: 0.3 }]));
  });

  it("has a golden value for a whole event (the same in every JavaScript engine)", () => {
    const e: TraceEvent = { id: 1, time: 0.25, kind: "note", actor: "b1", cause: 0, text: "hello", data: { x: [1] } };
    expect(traceHash([e])).toMatchInlineSnapshot(`"e60dc8867655a3cc"`);
  });

  it("keeps message and timer events compact, with the same text, data and hash as plain ones", () => {
    const send = new SendTraceEvent(7, 1.5, "b1", 3, "b2", "Fetch", 1.75);
    const deliver = new DeliverTraceEvent(8, 1.75, "b2", 7, "b1", "Fetch");
    const timer = new TimerTraceEvent(9, 2, "p1", 0, "producer.tick");
    const plain = (e: TraceEvent): TraceEvent => ({
      id: e.id,
      time: e.time,
      kind: e.kind,
      actor: e.actor,
      cause: e.cause,
      text: e.text,
      data: e.data,
    });
    expect(send.text).toBe("b1 sent Fetch to b2");
    expect(send.data).toEqual({ to: "b2", type: "Fetch", arriveAtMs: 1.75 });
    expect(deliver.text).toBe("b2 received Fetch from b1");
    expect(deliver.data).toEqual({ from: "b1", type: "Fetch" });
    expect(timer.text).toBe("p1: producer.tick elapsed");
    expect(timer.kind).toBe("timer");
    for (const e of [send, deliver, timer]) expect(traceHash([e])).toBe(traceHash([plain(e)]));
  });

  it("writes data with keys in Array#sort order at any depth and size", () => {
    const reference = (v: unknown): string => {
      if (v === null || typeof v !== "object") return v === undefined ? "null" : JSON.stringify(v);
      if (Array.isArray(v)) return "[" + v.map(reference).join(",") + "]";
      const o = v as Record<string, unknown>;
      const parts = Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => JSON.stringify(k) + ":" + reference(o[k]));
      return "{" + parts.join(",") + "}";
    };
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7919) % 97}`, i]));
    const samples = [
      { requestId: 3, broker: 1, records: 7 },
      { b: 1, a: [{ z: 1, y: { d: 1, c: 2 } }], "10": 3, "2": 4, B: 5, é: 6, undef: undefined },
      many,
      {},
    ];
    for (const v of samples) expect(stableStringify(v)).toBe(reference(v));
  });

  it("keeps every time of a compact event bit for bit (packed as whole microseconds when exact)", () => {
    const times = [
      0,
      -0,
      1,
      0.001,
      1234.567,
      0.1 + 0.2,
      1234.567 + 5,
      1e-7,
      2 ** 31 / 1000 + 0.001,
      1e13 + 0.5,
      2 ** 60,
      -3.25,
      Number.MAX_VALUE,
      Infinity,
      -Infinity,
      NaN,
    ];
    for (const t of times) {
      expect(Object.is(unpackMs(packMs(t)), t)).toBe(true);
      const send = new SendTraceEvent(1, t, "a", 0, "b", "X", t);
      expect(Object.is(send.time, t) && Object.is(send.arriveAtMs, t)).toBe(true);
      expect(Object.is(new DeliverTraceEvent(1, t, "a", 0, "b", "X").time, t)).toBe(true);
      expect(Object.is(new TimerTraceEvent(1, t, "a", 0, "x").time, t)).toBe(true);
    }
    expect(typeof packMs(1234.567)).toBe("number");
  });

  it("reads a delivery's fields from its send when they match, and keeps its own otherwise", () => {
    const send = new SendTraceEvent(7, 1.5, "b1", 3, "b2", "Fetch", 1.75);
    const same = new DeliverTraceEvent(8, 1.75, "b2", 7, "b1", "Fetch", send);
    const alone = new DeliverTraceEvent(8, 1.75, "b2", 7, "b1", "Fetch");
    const later = new DeliverTraceEvent(8, 9.5, "b2", 7, "b1", "Fetch", send); // postponed
    const other = new DeliverTraceEvent(8, 1.75, "b3", 7, "b1", "Fetch", send);
    expect(traceHash([same])).toBe(traceHash([alone]));
    expect([later.time, later.actor, later.cause, later.from, later.type]).toEqual([9.5, "b2", 7, "b1", "Fetch"]);
    expect([other.time, other.actor, other.cause, other.from, other.type]).toEqual([1.75, "b3", 7, "b1", "Fetch"]);
    expect(send.text).toBe("b1 sent Fetch to b2");
    expect(typeof packMs(0.1 + 0.2)).toBe("object");
  });

  it("separates concatenations", () => {
    const x = hashHex(hashUpdate(hashUpdate(initialHashState(), "ab"), "c"));
    const y = hashHex(hashUpdate(hashUpdate(initialHashState(), "a"), "bc"));
    expect(x).not.toBe(y);
  });

  it("has a golden value (the same in every JavaScript engine)", () => {
    expect(hashHex(hashUpdate(initialHashState(), "Kafka Sim"))).toMatchInlineSnapshot(`"34a8b6d794347c8a"`);
  });

  it("stableStringify sorts keys and drops undefined fields", () => {
    expect(stableStringify({ b: 1, a: undefined, c: [true, null] })).toBe('{"b":1,"c":[true,null]}');
  });

  it("walks causes back to the root", () => {
    const ev = (id: number, cause: number): TraceEvent => ({
      id,
      time: id,
      kind: "note",
      actor: "x",
      cause,
      text: String(id),
    });
    const trace = [ev(1, 0), ev(2, 1), ev(3, 0), ev(4, 2)];
    expect(causeChain(trace, 4).map((e) => e.id)).toEqual([4, 2, 1]);
  });
});
