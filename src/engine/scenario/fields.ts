// The field types every part of the scenario format shares, defined once so
// that a node id or a topic name is validated the same way everywhere.

import { z } from "zod";

// Names that every plain JavaScript object already has ("constructor",
// "__proto__"…): as ids they would collide with the objects the engine keys by
// id, so they are refused with a clear message rather than misbehaving.
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__", "prototype"]);
const notReserved = (what: string) =>
  [
    (v: string) => !RESERVED.has(v),
    { message: `"constructor", "__proto__" and other built-in object names cannot be used as a ${what} here` },
  ] as const;

export const nodeId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "a node id uses letters, digits, '.', '_' or '-'")
  .refine(...notReserved("node id"));

export const topicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, "a topic name uses letters, digits, '.', '_' or '-' (as Kafka requires)")
  .refine(...notReserved("topic name"));

/** True for names every plain object already has: usable as ids only at the price of a collision. */
export function isReservedName(v: string): boolean {
  return RESERVED.has(v);
}

/**
 * A consumer group id, group.instance.id or transactional.id: Kafka takes any
 * string, and so do we, except the built-in object names (the engine keys its
 * groups and transactions by them; found by the fuzz test).
 */
export const clientKey = (what: string) =>
  z
    .string()
    .min(1)
    .max(200)
    .refine(...notReserved(what));

/** A virtual time in ms, up to a week. */
export const timeMs = z
  .number()
  .int()
  .min(0)
  .max(86_400_000 * 7);
