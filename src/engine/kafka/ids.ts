// Actor ids of the cluster's nodes. Kafka identifies brokers by integer ids;
// the engine by strings. One mapping, used everywhere.

export const brokerActorId = (brokerId: number): string => `b${brokerId}`;

/** The broker id of a broker actor id ("b3" → 3), or null for other actors. */
export function brokerIdOf(actorId: string): number | null {
  const m = /^b(\d+)$/.exec(actorId);
  return m ? Number(m[1]) : null;
}

/** KRaft controller nodes: actor "c1" has node id 3001 (controller ids are distinct from broker ids). */
export const controllerActorId = (index: number): string => `c${index}`;
export const CONTROLLER_NODE_ID_BASE = 3000;
export const controllerNodeId = (index: number): number => CONTROLLER_NODE_ID_BASE + index;

/** ZooKeeper ensemble members. */
export const zookeeperActorId = (index: number): string => `zk${index}`;
