import { describe, expect, it } from "vitest";
import { checklistRows } from "./checklist.ts";

describe("checklistRows", () => {
  const verdicts = [
    { name: "no lost records", ok: true, detail: "0 lost" },
    { name: "leader is b2", ok: false, detail: "leader is b1" },
  ];
  it("is pending while the run goes on", () => {
    expect(checklistRows(verdicts, 100, 1000).map((r) => r.status)).toEqual(["held", "pending"]);
  });
  it("fails what does not hold at the end", () => {
    expect(checklistRows(verdicts, 1000, 1000).map((r) => r.status)).toEqual(["held", "failed"]);
  });
});
