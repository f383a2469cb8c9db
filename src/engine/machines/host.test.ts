// The spike that settled how the engine steps xstate v5 machines, kept as
// tests so an xstate upgrade that changes the behaviour is caught.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { assign, raise, setup, transition, type AnyMachineSnapshot } from "xstate";
import { startMachine, stateLabel, stepMachine } from "./host.ts";
import { toyNodeMachine, type ToyNodeEvent } from "../toy/toyNode.machine.ts";

const input = {
  id: "n1",
  peers: ["n2", "n3"],
  pingIntervalMs: 100,
  pingTimeoutMs: 50,
};

describe("stepping xstate machines as pure functions", () => {
  it("returns a delayed transition as an xstate.raise with a numeric delay", () => {
    const [s0, actions] = startMachine(toyNodeMachine, input);
    expect(stateLabel(s0.value)).toBe("idle");
    const raise0 = actions.find((a) => a.type === "xstate.raise");
    expect(raise0?.params).toMatchObject({
      delay: 100,
      id: "xstate.after.pingInterval.toyNode.idle",
    });
  });

  it("cancels the delayed transition on exit and applies assigns before later entry actions", () => {
    const [s0] = startMachine(toyNodeMachine, input);
    const [s1, actions] = stepMachine(toyNodeMachine, s0, {
      type: "xstate.after.pingInterval.toyNode.idle",
    });
    expect(stateLabel(s1.value)).toBe("waiting");
    const types = actions.map((a) => a.type);
    // exit (cancel of idle's timer) before entry (send, then the new timer)
    expect(types.indexOf("xstate.cancel")).toBeLessThan(types.indexOf("send"));
    expect(types.indexOf("send")).toBeLessThan(types.lastIndexOf("xstate.raise"));
    const send = actions.find((a) => a.type === "send");
    expect(send?.params).toEqual({
      to: "n2",
      event: { type: "ping", from: "n1", n: 1 },
    });
  });

  it("re-entry emits cancel then raise with the same id, so in-order handling is enough", () => {
    const m = setup({}).createMachine({
      initial: "a",
      states: {
        a: {
          after: { 500: "a" },
          on: { poke: { target: "a", reenter: true } },
        },
      },
    });
    const [s0] = startMachine(m, undefined);
    const [, actions] = stepMachine(m, s0, { type: "poke" });
    expect(actions.map((a) => a.type)).toEqual(["xstate.cancel", "xstate.raise"]);
    expect((actions[0].params as { sendId: string }).sendId).toBe((actions[1].params as { id: string }).id);
  });

  it("a raise without a delay is already applied and carries no delay", () => {
    const m = setup({}).createMachine({
      initial: "a",
      states: {
        a: { on: { go: { target: "b", actions: raise({ type: "next" }) } } },
        b: { on: { next: "c" } },
        c: {},
      },
    });
    const [s0] = startMachine(m, undefined);
    const [s1, actions] = stepMachine(m, s0, { type: "go" });
    expect(stateLabel(s1.value)).toBe("c");
    expect(actions.filter((a) => a.type === "xstate.raise").every((a) => typeof a.params?.delay !== "number")).toBe(
      true,
    );
  });

  it("an ignored event returns the same snapshot object", () => {
    const [s0] = startMachine(toyNodeMachine, input);
    const [s1] = stepMachine(toyNodeMachine, s0, {
      type: "pong",
      from: "nobody",
      n: 0,
    } as ToyNodeEvent);
    expect(s1).toBe(s0);
  });

  it("the reused-scope fast path equals xstate's public transition() on random event sequences", () => {
    const counter = setup({
      types: { context: {} as { n: number } },
    }).createMachine({
      context: { n: 0 },
      initial: "off",
      states: {
        off: {
          on: {
            toggle: {
              target: "on",
              actions: assign({ n: ({ context }) => context.n + 1 }),
            },
          },
        },
        on: { after: { 300: "off" }, on: { toggle: "off" } },
      },
    });
    const events = fc.array(
      fc.oneof(
        fc.constant({ type: "toggle" }),
        fc.constant({ type: "xstate.after.300.(machine).on" }),
        fc.record({
          type: fc.constant("ping"),
          from: fc.constantFrom("n2", "n3"),
          n: fc.integer({ min: 0, max: 3 }),
        }),
        fc.record({
          type: fc.constant("pong"),
          from: fc.constantFrom("n2", "n3"),
          n: fc.integer({ min: 0, max: 3 }),
        }),
        fc.constant({ type: "xstate.after.pingInterval.toyNode.idle" }),
        fc.constant({ type: "xstate.after.pingTimeout.toyNode.waiting" }),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(events, (evs) => {
        for (const machine of [toyNodeMachine, counter] as const) {
          let fast: AnyMachineSnapshot = startMachine(machine, input)[0];
          let slow: AnyMachineSnapshot = fast;
          for (const e of evs) {
            const [f, fa] = stepMachine(machine, fast, e);
            const [s, sa] = transition(machine, slow as never, e as never) as [
              AnyMachineSnapshot,
              { type: string; params?: unknown }[],
            ];
            expect(f.value).toEqual(s.value);
            expect(f.context).toEqual(s.context);
            expect(fa.map((a) => [a.type, a.params])).toEqual(sa.map((a) => [a.type, a.params]));
            fast = f;
            slow = s;
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
