import { describe, expect, it } from "vitest";
import { linkPayloadFromHash, scenarioFileName, shareUrl } from "./sessionFiles.ts";

describe("session files and links", () => {
  it("reads a share-link payload from a hash", () => {
    expect(linkPayloadFromHash("#s2.abc-_")).toBe("s2.abc-_");
    expect(linkPayloadFromHash("s1.x")).toBe("s1.x");
    expect(linkPayloadFromHash("#section")).toBeNull();
    expect(linkPayloadFromHash("")).toBeNull();
  });

  it("builds the link on the page's own address, without query or old fragment", () => {
    expect(shareUrl("http://h:1/app/?scenario=x#old", "s2.AA")).toBe("http://h:1/app/#s2.AA");
  });

  it("sanitises file names from titles", () => {
    expect(scenarioFileName("Leader failover (recorded)")).toBe("leader-failover-recorded.json");
    expect(scenarioFileName('<script>alert("x")</script>')).toBe("script-alert-x-script.json");
    expect(scenarioFileName("../../etc/passwd")).toBe("etc-passwd.json");
    expect(scenarioFileName("   ")).toBe("scenario.json");
    expect(scenarioFileName("Ünïcödé ✓")).toBe("unicode.json");
    expect(scenarioFileName("a".repeat(200)).length).toBeLessThanOrEqual(65);
  });
});
