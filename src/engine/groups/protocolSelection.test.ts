import { describe, expect, it } from "vitest";
import vectors from "../fixtures/kafka-vectors.json";
import {
  candidateProtocols,
  clientRebalanceProtocol,
  INCONSISTENT_GROUP_PROTOCOL,
  selectGroupProtocol,
  selectProtocol,
  supportsProtocols,
} from "./protocolSelection.ts";

interface ProtocolVector {
  name: string;
  /** Insertion order = JoinGroup order. */
  members: Record<string, string[]>;
  expectedSelectedAssignor?: string;
  expectedRebalanceProtocol?: string;
  expected?: string;
}

const protocolVectors = vectors.groupProtocolSelection.cases as unknown as ProtocolVector[];

describe("group protocol selection (vectors)", () => {
  it.each(protocolVectors)("$name", (c) => {
    const result = selectGroupProtocol(c.members);
    const memberIds = Object.keys(c.members);
    if (c.expectedSelectedAssignor !== undefined) {
      expect(result.rejectedMemberIds).toEqual([]);
      expect(result.selectedAssignor).toBe(c.expectedSelectedAssignor);
      expect(result.rebalanceProtocol).toBe(c.expectedRebalanceProtocol);
    } else {
      // "the second member's JoinGroup is rejected with INCONSISTENT_GROUP_PROTOCOL (23)"
      expect(c.expected).toContain("second member");
      expect(c.expected).toContain(`(${INCONSISTENT_GROUP_PROTOCOL})`);
      expect(result.rejectedMemberIds).toEqual([memberIds[1]]);
      expect(result.selectedAssignor).toBe(c.members[memberIds[0]][0]);
    }
  });
});

describe("clientRebalanceProtocol (ConsumerCoordinator constructor)", () => {
  it("is the most advanced protocol every configured assignor supports", () => {
    expect(clientRebalanceProtocol(["range", "cooperative-sticky"])).toBe("EAGER");
    expect(clientRebalanceProtocol(["cooperative-sticky"])).toBe("COOPERATIVE");
    expect(clientRebalanceProtocol(["cooperative-sticky", "range"])).toBe("EAGER");
    expect(clientRebalanceProtocol(["sticky"])).toBe("EAGER");
    expect(clientRebalanceProtocol(["roundrobin"])).toBe("EAGER");
  });

  it("refuses an empty assignor list", () => {
    expect(() => clientRebalanceProtocol([])).toThrow(RangeError);
  });
});

describe("ClassicGroup rules", () => {
  it("an empty group accepts any member that offers an assignor", () => {
    expect(supportsProtocols({}, ["roundrobin"])).toBe(true);
    expect(supportsProtocols({}, [])).toBe(false);
  });

  it("a joining member needs one assignor every current member supports", () => {
    const group = { m1: ["range", "cooperative-sticky"], m2: ["cooperative-sticky"] };
    expect([...candidateProtocols(group)]).toEqual(["cooperative-sticky"]);
    expect(supportsProtocols(group, ["range"])).toBe(false);
    expect(supportsProtocols(group, ["roundrobin", "cooperative-sticky"])).toBe(true);
  });

  it("each member votes for its first candidate; the majority wins", () => {
    expect(
      selectProtocol([
        ["a", ["roundrobin", "range"]],
        ["b", ["range", "roundrobin"]],
        ["c", ["roundrobin", "range"]],
      ]),
    ).toBe("roundrobin");
    // "sticky" is not supported by b, so a votes for range.
    expect(
      selectProtocol([
        ["a", ["sticky", "range"]],
        ["b", ["range"]],
      ]),
    ).toBe("range");
  });

  it("breaks a tie as Kafka's HashMap of votes iterates", () => {
    // "range" and "roundrobin" fall in buckets 9 and 10 of a 16-bucket HashMap,
    // so range is met first whatever the join order.
    expect(
      selectProtocol([
        ["a", ["roundrobin", "range"]],
        ["b", ["range", "roundrobin"]],
      ]),
    ).toBe("range");
    expect(
      selectProtocol([
        ["b", ["range", "roundrobin"]],
        ["a", ["roundrobin", "range"]],
      ]),
    ).toBe("range");
  });

  it("leaves rejected members out of the vote", () => {
    const result = selectGroupProtocol([
      ["m1", ["cooperative-sticky"]],
      ["m2", ["range"]],
      ["m3", ["range", "cooperative-sticky"]],
    ]);
    expect(result.rejectedMemberIds).toEqual(["m2"]);
    expect(result.selectedAssignor).toBe("cooperative-sticky");
    expect(result.memberRebalanceProtocols).toEqual({ m1: "COOPERATIVE", m3: "EAGER" });
    expect(result.rebalanceProtocol).toBe("EAGER");
  });

  it("runs COOPERATIVE once range is gone from every member (second bounce)", () => {
    const result = selectGroupProtocol({ m1: ["cooperative-sticky"], m2: ["cooperative-sticky"] });
    expect(result.selectedAssignor).toBe("cooperative-sticky");
    expect(result.rebalanceProtocol).toBe("COOPERATIVE");
  });
});
