// The scenario player: share links (and tampered ones), scenario files with
// hostile titles, the expectations checklist, and the consumer-groups column.

import { expect, test, type Page } from "@playwright/test";
import { bigScenario, nowMs, openScenario, runTo } from "./fixtures.ts";

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`) });

async function shareLink(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Share", exact: true }).click();
  const input = page.getByTestId("share-link");
  await expect(input).toHaveValue(/#s2\./);
  const url = await input.inputValue();
  await page.getByRole("dialog", { name: "Share link" }).getByRole("button", { name: "Close" }).click();
  return url;
}

async function clockMs(page: Page): Promise<number> {
  return Number(await page.getByTestId("clock").getAttribute("data-now-ms"));
}

test("open a scenario by link, answer its prediction, and see the checklist all green at the end", async ({ page }) => {
  await openScenario(page, "01-leader-failover-acks-all");
  await runTo(page, 1500, 500);
  const link = await shareLink(page);

  // A fresh page opened by the link: same scenario, same playhead.
  await page.goto("about:blank");
  await page.goto(link);
  await page.waitForFunction(() => window.__kafkaSim?.state().nowMs === 1500);
  const { title, durationMs } = await page.evaluate(() => window.__kafkaSim!.scenario());
  expect(title).toMatch(/Leader failover/);
  await expect(page.getByTestId("checklist")).toBeVisible();

  // Play beat by beat to the first prediction.
  const question = page.getByRole("group", { name: "Your prediction" });
  for (let i = 0; i < 20 && !(await question.isVisible()); i++) {
    await page.getByRole("button", { name: "Next ▸" }).click();
  }
  await expect(question).toBeVisible();
  await question.getByRole("button").first().click();
  await expect(page.locator(".verdict")).toBeVisible();

  await runTo(page, durationMs, 2000);
  expect(await nowMs(page)).toBe(durationMs);
  const checklist = page.getByTestId("checklist");
  await expect(checklist).toHaveAttribute("data-all-held", "true");
  await expect(checklist.getByTestId("expectation").first()).toHaveAttribute("data-status", "held");
  await expect(checklist.locator('[data-status="failed"], [data-status="pending"]')).toHaveCount(0);
  await shot(page, "player-checklist");
});

test("a link carries the user's actions and seed; a tampered link shows the error and keeps the session", async ({
  page,
}) => {
  await openScenario(page, "02-acks1-loses-a-record");
  await runTo(page, 1000, 500);
  await page.evaluate(() => window.__kafkaSim!.act({ type: "crash", node: "b3" }));
  await runTo(page, 2000, 500);
  const link = await shareLink(page);

  await page.goto("about:blank");
  await page.goto(link);
  await page.waitForFunction(() => window.__kafkaSim?.state().nowMs === 2000);
  expect(await page.evaluate(() => window.__kafkaSim!.userInputs())).toEqual([{ atMs: 1000, type: "crash" }]);
  const before = await page.evaluate(() => window.__kafkaSim!.scenario());
  const clockBefore = await clockMs(page);

  // Flip characters in the middle of the payload.
  const payload = link.slice(link.indexOf("#") + 1);
  const mid = Math.floor(payload.length / 2);
  const tampered = payload.slice(0, mid) + (payload[mid] === "A" ? "QQQQ" : "AAAA") + payload.slice(mid + 4);
  await page.evaluate((h) => (window.location.hash = h), tampered);
  const alert = page.getByRole("alert");
  await expect(alert).toContainText(/share link/i);
  await expect(alert.locator("li").first()).toBeVisible();

  // Not a link at all.
  await page.getByRole("button", { name: "Dismiss" }).click();
  await page.evaluate(() => (window.location.hash = "s2.!!!"));
  await expect(page.getByRole("alert")).toContainText("characters a share link never has");

  // The session that was open is intact and still usable.
  expect(await page.evaluate(() => window.__kafkaSim!.scenario())).toEqual(before);
  expect(await clockMs(page)).toBe(clockBefore);
  expect(await page.evaluate(() => window.__kafkaSim!.userInputs())).toHaveLength(1);
  await runTo(page, clockBefore + 500, 500);
  expect(await clockMs(page)).toBe(clockBefore + 500);
});

test("a scenario file with HTML in its title shows the title as text; a bad file lists its problems", async ({
  page,
}) => {
  await openScenario(page, "01-leader-failover-acks-all");
  await page.evaluate(() => ((window as unknown as { __xss?: number }).__xss = 0));
  const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script><b>Bold</b> title';
  const scenario = { ...bigScenario(3, 2, 3), title: evil };
  await page.getByTestId("scenario-file").setInputFiles({
    name: "evil.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(scenario)),
  });
  const picker = page.getByRole("combobox", { name: "Scenario" });
  await expect(picker.locator("option:checked")).toHaveText(evil);
  await expect(page.locator("h2.visually-hidden")).toHaveText(evil);
  await expect(page.locator("main b, main img, main script")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBe(0);

  // A YAML file with mistakes: each problem named by its path; the evil-titled session stays open.
  await page.getByTestId("scenario-file").setInputFiles({
    name: "bad.yaml",
    mimeType: "text/yaml",
    buffer: Buffer.from("version: 1\ntitle: Broken\ndurationMs: -5\ncluster: { brokers: 0 }\n"),
  });
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("bad.yaml");
  await expect(alert.locator("li code").first()).toBeVisible();
  await expect(alert).toContainText("durationMs");
  await expect(page.locator("h2.visually-hidden")).toHaveText(evil);
});

test("a consumer-groups scenario shows group state, generation, committed offsets and lag; actions act", async ({
  page,
}) => {
  await openScenario(page, "12-boxing-day-lag");
  await runTo(page, 7000, 500);
  const group = page.getByTestId("group-shop");
  await expect(group).toHaveAttribute("data-state", "Stable");
  expect(Number(await group.getAttribute("data-lag"))).toBeGreaterThan(0);
  await expect(page.getByTestId("group-state-shop")).toContainText("Stable · gen");
  await expect(page.getByTestId("group-table-shop")).toContainText("committed");
  await expect(page.getByTestId("consumer-a1")).toBeVisible();
  await shot(page, "groups-lag");

  // Add a consumer: a bad id is named, a good one joins and the group rebalances.
  await page.getByRole("tab", { name: "Actions" }).click();
  const form = page.getByRole("form", { name: "Add a consumer" });
  await form.getByLabel("Consumer id").fill("a1");
  await form.getByRole("button", { name: "Add consumer" }).click();
  await expect(form.getByRole("alert")).toContainText("Consumer id: a1 is already the id of another node");
  await form.getByLabel("Consumer id").fill("extra");
  await form.getByRole("button", { name: "Add consumer" }).click();
  await expect(page.getByTestId("consumer-extra")).toBeVisible();
  const generation = Number(await group.getAttribute("data-generation"));
  await runTo(page, 7000 + 6000, 250);
  expect(Number(await group.getAttribute("data-generation"))).toBeGreaterThan(generation);

  // Crash one; the group notices and rebalances without it.
  await page.getByRole("button", { name: "Crash consumer a2" }).click();
  await expect(page.getByTestId("consumer-a2")).toContainText("(down)");
  await runTo(page, (await nowMs(page)) + 15000, 500);
  await expect(group).toHaveAttribute("data-state", "Stable");
  await shot(page, "groups-after-crash");
});
