// The two controller modes, by name. A scenario picks one; the broker core is the same for both.

import type { ControlPlaneFactory } from "./controlPlane.ts";
import { createKraftControlPlane } from "./kraft/index.ts";
import { createZookeeperControlPlane } from "./zk/index.ts";
import type { ControllerMode } from "./spec.ts";

export const CONTROL_PLANES: Record<ControllerMode, ControlPlaneFactory> = {
  kraft: createKraftControlPlane,
  zookeeper: createZookeeperControlPlane,
};
