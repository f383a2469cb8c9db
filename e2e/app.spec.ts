// The kernel preview end to end (toy nodes): the virtual clock, play / pause /
// step / speed, acting on nodes, rewinding and forking. Assertions read what
// the page shows (text, attributes), not pixels. The cluster view has its own
// spec (cluster.spec.ts).

import { expect, test, type Page } from "@playwright/test";

const clockMs = async (page: Page) => Number(await page.getByTestId("clock").getAttribute("data-now-ms"));

test.beforeEach(async ({ page }) => {
  await page.goto("/?scenario=kernel-ping-ring");
  await expect(page.getByRole("heading", { name: "Kafka Sim" })).toBeVisible();
});

test("play runs the virtual clock, pause stops it, step moves one event", async ({ page }) => {
  await expect(page.getByTestId("clock")).toHaveText("t = 0.000 s");
  await page.getByRole("combobox", { name: "Speed" }).selectOption("5");
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => clockMs(page)).toBeGreaterThan(1500);
  await expect(page.getByTestId("message").first()).toBeVisible();
  await page.getByRole("button", { name: "Pause" }).click();
  const paused = await clockMs(page);
  await page.waitForTimeout(300);
  expect(await clockMs(page)).toBe(paused);

  const before = await page.getByRole("list").filter({ hasText: "" }).count();
  expect(before).toBeGreaterThan(0);
  await page.getByRole("button", { name: "Step" }).click();
  expect(await clockMs(page)).toBeGreaterThanOrEqual(paused);
  await page.screenshot({ path: test.info().outputPath("playing.png") });
});

test("keyboard: space plays and pauses, ? lists the shortcuts", async ({ page }) => {
  await page.locator("body").press("Space");
  await expect.poll(() => clockMs(page)).toBeGreaterThan(0);
  await page.locator("body").press("Space");
  await page.locator("body").press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toContainText("Play or pause");
  await page.getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("crash a node by its accessible name, see it down, restart it", async ({ page }) => {
  await page.getByRole("combobox", { name: "Speed" }).selectOption("10");
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => clockMs(page)).toBeGreaterThan(2000);
  await page.getByRole("button", { name: "Pause" }).click();

  await page.getByRole("button", { name: /^n3, / }).click();
  await page.getByRole("button", { name: "Crash n3" }).click();
  await expect(page.getByTestId("node-n3")).toHaveAttribute("data-state", "down");
  await expect(page.getByRole("region", { name: "Event log" })).toContainText("n3 crashed");

  await page.getByRole("button", { name: "Play" }).click();
  await expect(page.getByRole("region", { name: "Event log" })).toContainText("n3 is down", { timeout: 15_000 });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.screenshot({ path: test.info().outputPath("crashed.png") });

  await page.getByRole("button", { name: "Restart n3" }).click();
  await expect(page.getByTestId("node-n3")).not.toHaveAttribute("data-state", "down");
});

test("why? walks an event's causes", async ({ page }) => {
  await page.getByRole("combobox", { name: "Speed" }).selectOption("5");
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => clockMs(page)).toBeGreaterThan(2000);
  await page.getByRole("button", { name: "Pause" }).click();
  await page
    .getByRole("button", { name: /^Why\? .* received pong/ })
    .first()
    .click();
  const why = page.getByRole("region", { name: "Why did this happen" });
  await expect(why).toContainText("received pong");
  await expect(why).toContainText("because");
  await expect(why).toContainText("sent pong");
});

test("isolate a node, see the cut, heal it", async ({ page }) => {
  await page.getByRole("button", { name: /^n1, / }).click();
  await page.getByRole("button", { name: "Isolate n1" }).click();
  await expect(page.getByTestId("link-n1-n2")).toHaveAttribute("data-cut", "true");
  await expect(page.getByTestId("link-n2-n3")).toHaveAttribute("data-cut", "false");
  await page.getByRole("button", { name: "Heal network" }).click();
  await expect(page.getByTestId("link-n1-n2")).toHaveAttribute("data-cut", "false");
});

test("rewind with the scrubber, act in the past, and keep the old future as a branch", async ({ page }) => {
  await page.getByRole("combobox", { name: "Speed" }).selectOption("10");
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => clockMs(page)).toBeGreaterThan(5000);
  await page.getByRole("button", { name: "Pause" }).click();

  const scrubber = page.getByRole("slider", { name: "Playhead" });
  await scrubber.fill("1000");
  await expect.poll(() => clockMs(page)).toBe(1000);
  await expect(page.getByText("Acting now starts a new branch")).toBeVisible();

  await page.getByRole("button", { name: /^n1, / }).click();
  await page.getByRole("button", { name: "Crash n1" }).click();
  await expect(page.getByRole("button", { name: /Branch 2/ })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Original" }).click();
  await expect(page.getByTestId("node-n1")).not.toHaveAttribute("data-state", "down");
  await page.getByRole("button", { name: /Branch 2/ }).click();
  await expect(page.getByTestId("node-n1")).toHaveAttribute("data-state", "down");
});

test("a narration pause stops playback and asks for a prediction", async ({ page }) => {
  await page.getByRole("combobox", { name: "Scenario" }).selectOption({
    label: "The kernel at work: a network partition and a clogged link",
  });
  await page.getByRole("combobox", { name: "Speed" }).selectOption("25");
  await page.getByRole("button", { name: "Play" }).click();
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible({
    timeout: 15_000,
  });
  expect(await clockMs(page)).toBe(6000);
  await page.getByRole("button", { name: "They arrive late" }).click();
  await expect(page.getByTestId("narration")).toContainText("Right.");
  await page.screenshot({ path: test.info().outputPath("question.png") });
});
