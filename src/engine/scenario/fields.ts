// The field types every part of the scenario format shares, defined once so
// that a node id or a topic name is validated the same way everywhere.
//
// The schemas use zod/mini (functions and checks instead of methods): the same
// core, issues and messages as classic zod, at about 16 kB gzipped less in the
// first page's JavaScript, so code the page reaches never imports "zod" itself.
// Every schema file imports this one, so the English messages are switched on
// here: zod/mini, unlike classic zod, loads no locale of its own and would
// otherwise say only "Invalid input".

import { z } from "zod/mini";

z.config(z.locales.en());

// Names that every plain JavaScript object already has ("constructor",
// "__proto__"…): as ids they would collide with the objects the engine keys by
// id, so they are refused with a clear message rather than misbehaving.
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__", "prototype"]);
const notReserved = (what: string) =>
  z.refine<string>((v) => !RESERVED.has(v), {
    message: `"constructor", "__proto__" and other built-in object names cannot be used as a ${what} here`,
  });

export const nodeId = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9_.-]+$/, "a node id uses letters, digits, '.', '_' or '-'"),
    notReserved("node id"),
  );

export const topicName = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(249),
    z.regex(/^[A-Za-z0-9._-]+$/, "a topic name uses letters, digits, '.', '_' or '-' (as Kafka requires)"),
    notReserved("topic name"),
  );

/** True for names every plain object already has: usable as ids only at the price of a collision. */
export function isReservedName(v: string): boolean {
  return RESERVED.has(v);
}

/**
 * A consumer group id, group.instance.id or transactional.id: Kafka takes any
 * string, and so do we, except the built-in object names (the engine keys its
 * groups and transactions by them; found by the fuzz test).
 */
export const clientKey = (what: string) => z.string().check(z.minLength(1), z.maxLength(200), notReserved(what));

/** A virtual time in ms, up to a week. */
export const timeMs = z.number().check(z.int(), z.minimum(0), z.maximum(86_400_000 * 7));
