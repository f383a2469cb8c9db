// Both controller modes, loaded eagerly: for Node (src/engine/index.ts, the
// testkits). The page never imports this file; it loads ZooKeeper mode on
// demand (see controlPlanes.ts).

import type { ControlPlaneFactory } from "./controlPlane.ts";
import { registerControlPlane } from "./controlPlanes.ts";
import { createKraftControlPlane } from "./kraft/index.ts";
import type { ControllerMode } from "./spec.ts";
import { createZookeeperControlPlane } from "./zk/index.ts";

export const CONTROL_PLANES: Record<ControllerMode, ControlPlaneFactory> = {
  kraft: createKraftControlPlane,
  zookeeper: createZookeeperControlPlane,
};

/** Makes every mode available to createSimulation without loading anything later. */
export function registerAllControlPlanes(): void {
  for (const mode of Object.keys(CONTROL_PLANES) as ControllerMode[]) registerControlPlane(mode, CONTROL_PLANES[mode]);
}
