import type { ActorKind } from "../world/types.ts";
import { toyNodeMachine, type ToyNodeInput } from "./toyNode.machine.ts";

export const toyNodeKind: ActorKind = {
  kind: "toy-node",
  machine: toyNodeMachine,
  machineInput: (actor) => actor.config as unknown as ToyNodeInput,
};
