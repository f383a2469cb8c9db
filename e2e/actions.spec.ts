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

test("reset a group's offsets to an offset or a time: refused while it has members, done once it is Empty", async ({
  page,
}) => {
  await openScenario(page, "13-event-replay");
  await runTo(page, 4000, 500);
  await page.getByRole("tab", { name: "Actions" }).click();
  const form = page.getByRole("form", { name: "Reset offsets of analytics" });
  await expect(form).toContainText("Stable, 2 members");
  await form.getByLabel("Reset to").selectOption("offset");
  // A bad offset is named; what was typed stays; nothing runs.
  await form.getByLabel("Offset", { exact: true }).fill("five");
  await form.getByRole("button", { name: "Reset offsets of analytics" }).click();
  await expect(form.getByRole("alert")).toHaveText("Offset: use whole numbers only (digits 0–9)");
  await expect(form.getByLabel("Offset", { exact: true })).toHaveValue("five");
  // Kafka refuses to reset a group that has active members.
  await form.getByLabel("Offset", { exact: true }).fill("5");
  await form.getByRole("button", { name: "Reset offsets of analytics" }).click();
  await expect(form.getByRole("alert")).toContainText("group analytics is Stable with 2 member(s)");
  await expect(form.getByRole("alert")).toContainText("needs it inactive");
  await expect(page.getByTestId("error")).toHaveCount(0);
  await shot(page, "reset-offsets-refused");

  // The scenario closes both consumers at 6 s: the group is Empty and the reset goes through.
  await runTo(page, 7000, 500);
  await expect(page.getByTestId("group-analytics")).toHaveAttribute("data-state", "Empty");
  await form.getByLabel("Partition").selectOption("0");
  await form.getByRole("button", { name: "Reset offsets of analytics" }).click();
  await expect(form.getByRole("status")).toHaveText("Reset the offsets of group analytics on clicks: clicks-0 → 5");
  // The new offsets are a write to __consumer_offsets: committed once replicated.
  await runTo(page, 7500, 250);
  await expect(page.getByTestId("group-partition-analytics-clicks-0")).toHaveAttribute("data-committed", "5");
  const lag0 = Number(await page.getByTestId("group-partition-analytics-clicks-0").getAttribute("data-lag"));
  expect(lag0).toBeGreaterThan(20);

  // To a time: the first record at or after 2000 ms of virtual time, on every partition
  // (every key of this scenario hashes to clicks-0; clicks-1 stays empty).
  await form.getByLabel("Partition").selectOption("all");
  await form.getByLabel("Reset to").selectOption("time");
  await form.getByLabel("Time (ms)").fill("2000");
  await form.getByRole("button", { name: "Reset offsets of analytics" }).click();
  await expect(form.getByRole("status")).toContainText("Reset the offsets of group analytics on clicks: clicks-0 → ");
  await runTo(page, 7900, 200);
  const row = page.getByTestId("group-partition-analytics-clicks-0");
  const after = Number(await row.getAttribute("data-committed"));
  expect(after).toBeGreaterThan(5);
  expect(after + Number(await row.getAttribute("data-lag"))).toBeGreaterThan(100);
  await shot(page, "reset-offsets-done");
});

test("click a consumer, then its group: the inspector shows member id, generation, partitions, offsets, lag, state", async ({
  page,
}) => {
  await openScenario(page, "13-event-replay");
  await runTo(page, 4000, 500);
  await page.getByRole("button", { name: /^Consumer a1,/ }).click();
  await expect(page.getByTestId("inspector-title")).toContainText("Consumer a1");
  const details = page.getByTestId("consumer-details");
  await expect(details).toContainText("analytics");
  await expect(details).toContainText(/member id\s*\S+/);
  await expect(details).toContainText(/generation\s*1/);
  const assigned = (await page.getByTestId("consumer-a1").getAttribute("data-assigned"))!.split(",")[0];
  const table = page.getByRole("table", { name: "Partitions of a1" });
  await expect(table).toContainText(assigned);
  await expect(table.getByRole("columnheader")).toHaveText(["partition", "position", "committed", "HW", "lag"]);
  expect(Number(await page.getByTestId("consumer-lag").textContent())).toBeGreaterThanOrEqual(0);
  await shot(page, "inspect-consumer");

  // Its group, from the link in the inspector.
  await page.getByTestId("consumer-details").getByRole("button", { name: "analytics" }).click();
  await expect(page.getByTestId("inspector-title")).toContainText("Group analytics");
  await expect(page.getByTestId("group-inspector-state")).toHaveText("Stable");
  const group = page.getByTestId("group-details");
  await expect(group).toContainText(/generation\s*1/);
  await expect(group).toContainText("range");
  await expect(group).toContainText(/protocol\s*classic/);
  const members = page.getByRole("table", { name: "Members of analytics" });
  await expect(members).toContainText("a1");
  await expect(members).toContainText("a2");
  await expect(page.getByRole("table", { name: "Offsets of analytics" })).toContainText("clicks-0");
  await shot(page, "inspect-group");

  // Close a1 from the consumer's inspector: the group rebalances to a new generation without it.
  await page.getByRole("button", { name: /^Consumer a1,/ }).click();
  await page.getByRole("button", { name: "Close a1" }).click();
  await runTo(page, 5500, 250);
  await page.getByRole("button", { name: /^Group analytics,/ }).click();
  await expect(page.getByTestId("group-details")).toContainText(/generation\s*2/);
  await expect(page.getByRole("table", { name: "Members of analytics" })).not.toContainText("a1");
});

test("a busy cluster draws overlapping dots of one kind as one dot with a count", async ({ page }) => {
  await page.goto("/");
  await page.waitForFunction(() => window.__kafkaSim !== undefined);
  await page.evaluate((s) => window.__kafkaSim!.loadValue(s), bigScenario(6, 12, 3));
  await runTo(page, 3000, 500);
  const dots = page.getByTestId("message");
  const counts = (await dots.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-count"))))) as number[];
  expect(counts.length).toBeGreaterThan(0);
  expect(Math.max(...counts)).toBeGreaterThan(1);
  // No two dots of the same kind sit on top of each other.
  const overlapping = await dots.evaluateAll((els) => {
    const at = els.map((e) => ({
      type: e.getAttribute("data-type"),
      r: e.querySelector("circle")!.getBoundingClientRect(),
    }));
    let n = 0;
    for (let i = 0; i < at.length; i++)
      for (let j = i + 1; j < at.length; j++)
        if (at[i].type === at[j].type && Math.hypot(at[i].r.x - at[j].r.x, at[i].r.y - at[j].r.y) < at[i].r.width * 0.9)
          n++;
    return n;
  });
  expect(overlapping).toBe(0);
  await expect(dots.filter({ has: page.locator("title", { hasText: /^\d+ Fetch/ }) }).first()).toBeAttached();
  await shot(page, "busy-cluster-dots");
});

test("partition mode: drag a broker into another island, apply, see the islands, heal", async ({ page }) => {
  await openScenario(page, "01-leader-failover-acks-all");
  await runTo(page, 1000);
  await page.getByRole("button", { name: "Partition mode" }).click();
  const builder = page.getByRole("region", { name: "Partition mode" });
  await expect(builder.getByRole("group", { name: "Island 1" })).toContainText("b1");
  // Drag with the mouse: b1 into island 2.
  await page.getByTestId("chip-b1").dragTo(page.getByTestId("island-zone-2"));
  await expect(page.getByTestId("island-zone-2")).toHaveAttribute("data-nodes", "b1");
  // The keyboard does the same: b2 one island to the right, then back.
  await builder.getByRole("button", { name: "b2, broker, in island 1" }).press("ArrowRight");
  await expect(page.getByTestId("island-zone-2")).toHaveAttribute("data-nodes", "b1,b2");
  await builder.getByRole("button", { name: "b2, broker, in island 2" }).press("ArrowLeft");
  await expect(page.getByTestId("island-zone-2")).toHaveAttribute("data-nodes", "b1");
  await builder.getByRole("button", { name: "Apply partition" }).click();
  await expect(page.getByTestId("island-now")).toContainText("{b1}");
  await expect(page.getByTestId("partition-banner")).toContainText("{b1}");
  await expect(page.getByRole("button", { name: /^Broker 1, .*in island 2/ })).toBeVisible();
  await shot(page, "partition-mode");
  // Cut off from the controller, b1 loses its leadership once its session times out.
  await runTo(page, 4000);
  await expect(page.getByTestId("partition-orders-0")).not.toHaveAttribute("data-leader", "1");
  await builder.getByRole("button", { name: "Heal" }).click();
  await expect(page.getByTestId("partition-banner")).toHaveCount(0);
  await expect(page.getByTestId("island-now")).toHaveText("Now: one network");
  await expect(page.getByTestId("island-zone-1")).toContainText("b1");
  await builder.getByRole("button", { name: "Close partition mode" }).click();
  await expect(page.getByTestId("island-builder")).toHaveCount(0);
});
