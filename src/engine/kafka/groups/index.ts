// Consumer groups as a cluster extension: the group coordinator (a broker
// module), the consumers (actors of kind "consumer"), __consumer_offsets, the
// group actions, views, expectations and guarantees.

import type { ClusterExtensionFactory } from "../extension.ts";
import { resolveConsumer, resolveCoordinator, type GroupsScenarioConfig } from "./config.ts";
import { CONSUMER_KIND, createConsumerKind, startConsumer } from "./consumer.ts";
import { createGroupCoordinatorModule } from "./coordinator.ts";
import { groupInputDescriptions, groupInputs } from "./inputs.ts";
import { OFFSETS_TOPIC } from "./protocol.ts";

export function createGroupsExtension(config: GroupsScenarioConfig): ClusterExtensionFactory {
  return (ctx) => {
    const settings = resolveCoordinator(config.profile, config.coordinator);
    const consumers = config.consumers.map((c) =>
      resolveConsumer(c, config.profile, ctx.spec.timings.requestTimeoutMs),
    );
    return {
      name: "groups",
      kinds: [createConsumerKind(ctx)],
      brokerModules: [createGroupCoordinatorModule(ctx, settings)],
      inputs: groupInputs(ctx, settings, config.profile),
      describeInput: groupInputDescriptions,
      extraTopics: (c) => [
        {
          name: OFFSETS_TOPIC,
          partitions: c.spec.brokerConfig.offsetsTopicNumPartitions,
          replicationFactor: Math.min(c.spec.brokerConfig.offsetsTopicReplicationFactor, c.spec.brokers),
          config: { cleanupPolicy: "compact" },
        },
      ],
      populate(engine) {
        for (const c of consumers) startConsumer(engine, engine.spawn(c.id, CONSUMER_KIND, c), c.startAtMs);
      },
    };
  };
}

export { CONSUMER_KIND } from "./consumer.ts";
export {
  resolveConsumer,
  resolveCoordinator,
  CONSUMER_SETTING_NAMES,
  COORDINATOR_SETTING_NAMES,
  type ConsumerConfig,
  type ConsumerEntry,
  type CoordinatorSettings,
  type GroupsScenarioConfig,
} from "./config.ts";
export {
  consumerSchema,
  consumersSchema,
  consumerSettingsSchema,
  groupCoordinatorSchema,
  groupInputSchema,
  groupInputSchemas,
  groupExpectationSchema,
  groupExpectationSchemas,
  checkGroupsScenario,
  GROUP_INPUT_TYPES,
  GROUP_EXPECTATION_TYPES,
  type GroupInput,
  type GroupExpectation,
} from "./schema.ts";
export {
  groupViews,
  groupView,
  consumerViews,
  consumerLedger,
  type GroupView,
  type GroupMemberView,
  type GroupPartitionView,
  type ConsumerView,
  type ConsumerPartitionView,
} from "./views.ts";
export {
  checkGroupExpectation,
  describeGroupExpectation,
  type GroupExpectationViews,
  type GroupExpectationVerdict,
} from "./expectations.ts";
export {
  checkGroupInvariants,
  freshGroupCheckerMemory,
  GROUP_GUARANTEES,
  type GroupViolation,
  type GroupCheckerMemory,
  type GroupGuaranteeName,
} from "./invariants.ts";
export type { LedgerEntry, CommitRecord } from "./consumerData.ts";
export { OFFSETS_TOPIC } from "./protocol.ts";
