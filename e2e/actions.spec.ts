// The actions a teacher reaches for mid-lesson, driven by accessible names:
// slow a follower and watch it leave the ISR (and come back), reset a group's
// offsets to an offset or a time (refused while the group has members),
// inspect a consumer and its group. Assertions read text and data attributes.

import { expect, test, type Page } from "@playwright/test";
import { bigScenario, openScenario, runTo } from "./fixtures.ts";

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`) });
const partition = (page: Page, key: string) => page.getByTestId(`partition-${key}`);
/** The ISR as drawn, sorted ("1,2,3"). */
const isr = async (page: Page, key: string) =>
  ((await partition(page, key).getAttribute("data-isr")) ?? "")
    .split(",")
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b)
    .join(",");

test("slow a follower: it falls behind, leaves the ISR, and rejoins once link speeds are reset", async ({ page }) => {
  await openScenario(page, "01-leader-failover-acks-all");
  await page.evaluate((s) => window.__kafkaSim!.loadValue(s), { ...bigScenario(3, 1, 3), profile: "classroom" });
  await runTo(page, 1000);
  const leader = Number(await partition(page, "clicks-0").getAttribute("data-leader"));
  const follower = [1, 2, 3].find((b) => b !== leader)!;
  expect(await isr(page, "clicks-0")).toBe("1,2,3");

  await page.getByRole("button", { name: new RegExp(`^Broker ${follower},`) }).click();
  await page.getByLabel("Extra latency (ms)").fill("4000");
  await page.getByRole("button", { name: `Slow b${follower}` }).click();
  await expect(page.getByTestId(`broker-b${follower}`)).toHaveAttribute("data-slow", "true");
  await expect(page.getByTestId(`slow-now-b${follower}`)).toContainText("4000 ms slower");
  // The leader drops it after replica.lag.time.max.ms (3 s in the classroom profile).
  await runTo(page, 6000);
  await expect.poll(() => isr(page, "clicks-0")).toBe([1, 2, 3].filter((b) => b !== follower).join(","));
  await expect(page.getByTestId(`lane-clicks-0-b${follower}`)).toHaveAttribute("data-in-isr", "false");
  await shot(page, "slow-follower-out-of-isr");

  await page.getByRole("button", { name: "Reset link speeds" }).click();
  await expect(page.getByTestId(`broker-b${follower}`)).toHaveAttribute("data-slow", "false");
  await runTo(page, 12000);
  await expect.poll(() => isr(page, "clicks-0")).toBe("1,2,3");
});

test("slow a follower from the Actions tab: a bad latency is named and what was typed stays", async ({ page }) => {
  await openScenario(page, "01-leader-failover-acks-all");
  await runTo(page, 500);
  await page.getByRole("tab", { name: "Actions" }).click();
  const form = page.getByRole("form", { name: "Slow a follower" });
  await form.getByLabel("Broker").selectOption("b3");
  await form.getByLabel("Extra latency (ms)").fill("4 s");
  await form.getByRole("button", { name: "Slow follower" }).click();
  await expect(form.getByRole("alert")).toHaveText("Extra latency (ms): use whole numbers only (digits 0–9)");
  await expect(form.getByLabel("Extra latency (ms)")).toHaveValue("4 s");
  await form.getByLabel("Extra latency (ms)").fill("5000");
  await form.getByRole("button", { name: "Slow follower" }).click();
  await expect(page.getByTestId("broker-b3")).toHaveAttribute("data-slow", "true");
  await expect(page.getByTestId("broker-b1")).toHaveAttribute("data-slow", "false");
  await shot(page, "slow-follower-actions");
});
