// The two controller modes, by name. A scenario picks one; the broker core is
// the same for both.
//
// KRaft, the default, is always here. ZooKeeper mode is registered on demand:
// src/engine/index.ts (Node: the command line, the tests, outside checkers)
// registers it at once, while the page (src/engine/api.ts) loads it with
// loadControllerMode() only when a scenario needs it, so the first page's
// JavaScript does not carry it.

import type { ControlPlaneFactory } from "./controlPlane.ts";
import { createKraftControlPlane } from "./kraft/index.ts";
import type { ControllerMode } from "./spec.ts";

const registered: Partial<Record<ControllerMode, ControlPlaneFactory>> = { kraft: createKraftControlPlane };

export function registerControlPlane(mode: ControllerMode, factory: ControlPlaneFactory): void {
  registered[mode] = factory;
}

/** The registered implementation of a mode, or undefined while it is not loaded. */
export function controlPlaneFor(mode: ControllerMode): ControlPlaneFactory | undefined {
  return registered[mode];
}

const MODE_LABEL: Record<ControllerMode, string> = { kraft: "KRaft", zookeeper: "ZooKeeper" };

/**
 * Thrown when a scenario needs a controller mode whose code is not loaded
 * yet (only on the page): await loadControllerMode(error.mode), then retry.
 */
export class ControllerModeNotLoaded extends Error {
  readonly mode: ControllerMode;
  /** The mode's name as people read it: "ZooKeeper". */
  readonly modeLabel: string;
  constructor(mode: ControllerMode) {
    super(`${MODE_LABEL[mode]} mode is not loaded yet (loadControllerMode("${mode}"))`);
    this.name = "ControllerModeNotLoaded";
    this.mode = mode;
    this.modeLabel = MODE_LABEL[mode];
  }
}

/** Loads and registers a mode's code (a separate chunk on the page); resolves at once when it is here. */
export async function loadControllerMode(mode: ControllerMode): Promise<void> {
  if (registered[mode]) return;
  if (mode === "zookeeper") {
    const { createZookeeperControlPlane } = await import("./zk/index.ts");
    registerControlPlane("zookeeper", createZookeeperControlPlane);
  }
}
