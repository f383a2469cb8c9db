// The field types every part of the scenario format shares, defined once so
// that a node id or a topic name is validated the same way everywhere.

import { z } from "zod";

export const nodeId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "a node id uses letters, digits, '.', '_' or '-'");

export const topicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, "a topic name uses letters, digits, '.', '_' or '-' (as Kafka requires)");

/** A virtual time in ms, up to a week. */
export const timeMs = z
  .number()
  .int()
  .min(0)
  .max(86_400_000 * 7);
