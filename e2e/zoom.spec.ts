// Zoom and pan of the cluster view on a cluster beyond 6 brokers × 12
// partitions × RF 3: the buttons, the wheel, a drag on the background, the
// keys, Fit. Assertions read the content group's transform attribute, never
// pixels; screenshots at fit and zoomed in are for a person to look at.

import { expect, test, type Page } from "@playwright/test";
import { bigScenario, runTo } from "./fixtures.ts";

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`) });

interface Transform {
  k: number;
  x: number;
  y: number;
}

async function transform(page: Page): Promise<Transform> {
  const attr = (await page.getByTestId("cluster-content").getAttribute("transform")) ?? "";
  const m = /translate\(([-\d.e]+),([-\d.e]+)\) scale\(([-\d.e]+)\)/.exec(attr);
  if (!m) throw new Error(`no zoom transform in "${attr}"`);
  return { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]) };
}

/** A point (page coordinates) inside the cluster view where nothing but the background is under the pointer. */
async function backgroundPoint(page: Page): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(() => {
    const svg = document.querySelector('[data-testid="cluster"]')!.getBoundingClientRect();
    for (let fy = 0.3; fy < 0.95; fy += 0.05)
      for (let fx = 0.05; fx < 0.95; fx += 0.05) {
        const x = svg.left + svg.width * fx;
        const y = svg.top + svg.height * fy;
        if (document.elementFromPoint(x, y)?.getAttribute("data-testid") === "cluster-background") return { x, y };
      }
    return null;
  });
  if (!p) throw new Error("no background in view to drag");
  return p;
}

async function loadBig(page: Page) {
  await page.goto("/");
  await page.waitForFunction(() => window.__kafkaSim !== undefined);
  await page.evaluate((s) => window.__kafkaSim!.loadValue(s), bigScenario(9, 24, 3));
  await runTo(page, 3000, 500);
  await expect(page.getByTestId("partition-clicks-23")).toBeAttached();
}

test("9 brokers × 24 partitions: fit, zoom in, pan, Fit again; cards stay clickable", async ({ page }) => {
  await loadBig(page);
  const fit = await transform(page);
  // Laid out wider than the view (nine readable broker cards) and fitted to its width, top aligned.
  expect(fit.k).toBeLessThan(1);
  expect(fit.x).toBe(0);
  expect(fit.y).toBe(0);
  await expect(page.getByTestId("cluster-content")).toHaveAttribute("data-at-fit", "true");
  await expect(page.getByTestId("zoom-hint")).toContainText("zoom in");
  await shot(page, "zoom-big-cluster-fit");

  await page.getByRole("button", { name: "Zoom in" }).click();
  const zoomed = await transform(page);
  expect(zoomed.k).toBeGreaterThan(fit.k * 1.3);
  await expect(page.getByTestId("zoom-hint")).toHaveCount(0);
  await page.waitForTimeout(300); // the eased transition, for the screenshot only
  await shot(page, "zoom-big-cluster-zoomed-in");

  // Drag the background: the content follows the pointer.
  const from = await backgroundPoint(page);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x - 120, from.y - 150, { steps: 6 });
  await page.mouse.up();
  const panned = await transform(page);
  expect(panned.k).toBeCloseTo(zoomed.k, 3);
  expect(panned.x).toBeLessThan(zoomed.x - 50);
  expect(panned.y).toBeLessThan(zoomed.y - 50);
  // The drag was not a click on the background (which would clear the selection): nothing else changed.
  await expect(page.getByTestId("cluster-content")).toHaveAttribute("data-at-fit", "false");

  await page.getByRole("button", { name: "Fit" }).click();
  expect(await transform(page)).toEqual(fit);
  await expect(page.getByTestId("cluster-content")).toHaveAttribute("data-at-fit", "true");

  // The wheel zooms around the pointer: broker 5 stays under it and still opens the inspector.
  await page.waitForTimeout(300); // Fit eases back: measure the card where it comes to rest
  const card = page.getByRole("button", { name: /^Broker 5,/ });
  const box = (await card.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -500); // ×2
  await expect.poll(async () => (await transform(page)).k).toBeGreaterThan(fit.k * 1.5);
  const after = (await card.boundingBox())!;
  expect(Math.abs(after.x + after.width / 2 - (box.x + box.width / 2))).toBeLessThan(4);
  await card.click();
  await expect(page.getByTestId("inspector-title")).toContainText("Broker b5");

  // Keys: o zooms out, i in, 0 fits; never below the whole-cluster overview, never above 4×.
  await page.locator("body").press("0");
  expect(await transform(page)).toEqual(fit);
  await page.locator("body").press("i");
  expect((await transform(page)).k).toBeGreaterThan(fit.k);
  for (let i = 0; i < 8; i++) await page.locator("body").press("o");
  const overview = await transform(page);
  expect(overview.k).toBeLessThan(fit.k);
  await expect(page.getByRole("button", { name: "Zoom out" })).toBeDisabled();
  for (let i = 0; i < 12; i++) await page.locator("body").press("i");
  expect((await transform(page)).k).toBe(4);
  await expect(page.getByRole("button", { name: "Zoom in" })).toBeDisabled();

  // Focus on a partition below the view (Tab, or from code) pans the view down to it.
  await page.locator("body").press("0");
  await page.getByRole("button", { name: /^Partition clicks-20:/ }).focus();
  await expect.poll(async () => (await transform(page)).y).toBeLessThan(-500);
  expect((await transform(page)).k).toBeCloseTo(fit.k, 3);
  await expect(page.getByRole("button", { name: /^Partition clicks-20:/ })).toBeInViewport();

  await page.locator("body").press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toContainText("Zoom the cluster in / out");
});

test("zoomed in, partition mode still drags a node into an island; reduced motion jumps", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await loadBig(page);
  await page.getByRole("button", { name: "Zoom in" }).click();
  const content = page.getByTestId("cluster-content");
  expect(await content.evaluate((g) => getComputedStyle(g).transitionDuration)).toBe("0s");
  const zoomed = await transform(page);

  await page.getByRole("button", { name: "Partition mode" }).click();
  await page.getByTestId("chip-b3").dragTo(page.getByTestId("island-zone-2"));
  await expect(page.getByTestId("island-zone-2")).toHaveAttribute("data-nodes", "b3");
  // The drag in the island builder did not pan the cluster.
  expect(await transform(page)).toEqual(zoomed);
});
