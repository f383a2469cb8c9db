// The cluster view end to end, driven by accessible names: crash the leader
// and see it move, the ISR shrink and the HW marker; producer errors where
// they happen; the controller failing over in both modes; a lost record and
// its moment; forms that name the field in error. Assertions read text and
// data attributes, never pixels; virtual time moves through window.__kafkaSim.

import { expect, test, type Page } from "@playwright/test";
import { BOXING_DAY_SCENARIO } from "../src/bench/clusterBench.ts";
import { bigScenario, nowMs, openScenario, runTo, seek } from "./fixtures.ts";

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`) });
const partition = (page: Page, key: string) => page.getByTestId(`partition-${key}`);

test("the default page is a running cluster: brokers, lanes, HW markers, every guarantee green", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Kafka Sim" })).toBeVisible();
  await expect(page.getByTestId("cluster")).toHaveAttribute("data-mode", "kraft");
  // Play in real (wall) time for a moment: the narration pauses by itself at 3 s, so stop before.
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => nowMs(page)).toBeGreaterThan(1200);
  await page.getByRole("button", { name: "Pause" }).click();
  for (const b of [1, 2, 3])
    await expect(page.getByTestId(`broker-b${b}`)).toHaveAttribute("data-lifecycle", "RUNNING");
  await expect(partition(page, "orders-0")).toHaveAttribute("data-leader", "1");
  await expect(partition(page, "orders-0")).toHaveAttribute("data-isr", "1,2,3");
  const hw = Number(await page.getByTestId("lane-orders-0-b1").getAttribute("data-hw"));
  expect(hw).toBeGreaterThan(5);
  await expect(page.getByTestId("guarantee-summary")).toContainText("guarantees hold");
  await page.getByRole("button", { name: "list them" }).click();
  for (const g of ["Leader in ISR", "ISR never empty", "Strong ISR", "HW rules", "No acknowledged record lost"])
    await expect(page.getByTestId(`guarantee-${g}`)).toHaveAttribute("data-status", "held");
  await expect(page.getByTestId("consumer-groups")).toContainText("Consumer");
  await expect(page.getByRole("region", { name: "Cluster state as text" })).toContainText("leader broker 1");
  await shot(page, "cluster-running");
});

test("crash the leader by its accessible name: the leader moves, the ISR shrinks, the HW marker follows", async ({
  page,
}) => {
  await openScenario(page, "01-leader-failover-acks-all");
  await runTo(page, 1000);
  await page.getByRole("button", { name: /^Broker 1,/ }).click();
  await expect(page.getByTestId("inspector-title")).toContainText("Broker b1");
  await page.getByRole("button", { name: "Crash b1" }).click();
  await expect(page.getByTestId("broker-b1")).toHaveAttribute("data-alive", "false");
  await expect(page.getByTestId("statechart")).toHaveAttribute("data-current", "NOT_RUNNING");
  await runTo(page, 2300);
  // The controller has not noticed yet (broker.session.timeout.ms): a teacher can pause here.
  await expect(partition(page, "orders-0")).toHaveAttribute("data-leader", "1");
  await shot(page, "failover-midway");
  await runTo(page, 4000);
  await expect(partition(page, "orders-0")).toHaveAttribute("data-leader", "2");
  await expect(partition(page, "orders-0")).toHaveAttribute("data-isr", "2,3");
  await expect(page.getByTestId("lane-orders-0-b1")).toHaveAttribute("data-in-isr", "false");
  await expect(page.getByTestId("lane-orders-0-b2")).toHaveAttribute("data-role", "leader");
  // The new leader's HW keeps moving as records are committed on the ISR [2,3].
  const hwBefore = Number(await page.getByTestId("lane-orders-0-b2").getAttribute("data-hw"));
  await runTo(page, 5000);
  const hwAfter = Number(await page.getByTestId("lane-orders-0-b2").getAttribute("data-hw"));
  expect(hwAfter).toBeGreaterThan(hwBefore);
  const leo = Number(await page.getByTestId("lane-orders-0-b2").getAttribute("data-leo"));
  expect(hwAfter).toBeLessThanOrEqual(leo);
  await expect(page.getByTestId("markers").locator('[data-kind="election"]')).toHaveCount(1);
  await expect(page.getByTestId("markers").locator('[data-kind="isr-shrink"]').first()).toBeAttached();
  await shot(page, "isr-shrink");

  // Restart it: the statechart walks STARTING → RECOVERY → RUNNING and b1 rejoins the ISR.
  await page.getByRole("button", { name: "Restart b1" }).click();
  await expect(page.getByTestId("statechart")).toHaveAttribute("data-current", "STARTING");
  await runTo(page, 5900);
  await expect(page.getByTestId("statechart")).toHaveAttribute("data-current", /^RECOVERY/);
  await shot(page, "inspector-statechart");
  await runTo(page, 8000);
  await expect(page.getByTestId("broker-b1")).toHaveAttribute("data-lifecycle", "RUNNING");
  await expect(partition(page, "orders-0")).toHaveAttribute("data-isr", /1/);

  // A preferred-leader election gives the partition back to broker 1, with a higher leader epoch.
  await page.getByRole("tab", { name: "Actions" }).click();
  await page.getByRole("button", { name: "Preferred leader election (all partitions)" }).click();
  await runTo(page, 8600);
  await expect(partition(page, "orders-0")).toHaveAttribute("data-leader", "1");
  await expect(partition(page, "orders-0")).toHaveAttribute("data-leader-epoch", "2");
});

test("min.insync.replicas: NOT_ENOUGH_REPLICAS shows at the producer and at the leader that refuses", async ({
  page,
}) => {
  await openScenario(page, "04-min-insync-rejects-writes");
  await runTo(page, 1000, 250);
  await expect(page.getByTestId("narration")).toContainText("Will payments still be accepted?");
  await page.getByRole("button", { name: "No: NOT_ENOUGH_REPLICAS" }).click();
  await expect(page.getByTestId("narration")).toContainText("Right.");
  await runTo(page, 7000, 250);
  await expect(partition(page, "payments-0")).toHaveAttribute("data-isr", "1");
  await expect(partition(page, "payments-0")).toHaveAttribute("data-under-min-isr", "true");
  await expect(page.getByTestId("producer-p1")).toHaveAttribute("data-last-error", "NOT_ENOUGH_REPLICAS");
  await expect(page.getByTestId("broker-error-b1")).toHaveAttribute("data-error", "NOT_ENOUGH_REPLICAS");
  // The HW is frozen: b1 cannot commit what b2 and b3 never copied.
  const hw = await page.getByTestId("lane-payments-0-b1").getAttribute("data-hw");
  await runTo(page, 8000, 250);
  await expect(page.getByTestId("lane-payments-0-b1")).toHaveAttribute("data-hw", hw!);
  await shot(page, "not-enough-replicas");

  // The producer's inspector names the error and walks its cause.
  await page.getByRole("button", { name: /^Producer p1/ }).click();
  await expect(page.getByTestId("producer-errors")).toContainText("NOT_ENOUGH_REPLICAS");
  await page.getByRole("button", { name: "Why?" }).click();
  await expect(page.getByRole("region", { name: "Why did this happen" })).toContainText("min.insync.replicas");
});

test("acks=1 loses an acknowledged record: listed with its cause, linked to its moment, ghosts in the lane", async ({
  page,
}) => {
  await openScenario(page, "02-acks1-loses-a-record");
  await runTo(page, 11000, 200);
  const summary = page.getByTestId("lost-summary");
  expect(Number(await summary.getAttribute("data-lost"))).toBeGreaterThan(0);
  await summary.getByRole("button").click();
  const list = page.getByRole("list", { name: "Lost acknowledged records" });
  await expect(list).toContainText("acks=1");
  await expect(page.getByTestId("lane-orders-0-b1")).not.toHaveAttribute("data-ghosts", "0");
  await list
    .getByRole("button", { name: /Go to the moment it was lost/ })
    .first()
    .click();
  const t = await nowMs(page);
  expect(t).toBeGreaterThan(2600);
  expect(t).toBeLessThan(6000);
  await expect(page.getByRole("region", { name: "Why did this happen" })).toContainText("leader 1 → 2");
  // The lanes now show the offsets around the lost records: b1 still holds them, above its HW.
  expect(Number(await partition(page, "orders-0").getAttribute("data-first-offset-shown"))).toBeLessThan(45);
  await shot(page, "lost-record-why");
});

test("the KRaft controller fails over; the ZooKeeper view shows sessions and the znode tree", async ({ page }) => {
  await openScenario(page, "10-kraft-controller-failover");
  await expect(page.getByTestId("control-row")).toHaveAttribute("data-active-controller", "c1");
  await page.getByRole("tab", { name: "Controller" }).click();
  await runTo(page, 4000, 250);
  await expect(page.getByTestId("control-row")).not.toHaveAttribute("data-active-controller", "c1");
  await expect(page.getByTestId("control-c1")).toHaveAttribute("data-state", "down");
  await expect(page.getByTestId("kraft-voters")).toContainText("Leader");
  await expect(page.getByTestId("markers").locator('[data-kind="controller"]')).toHaveCount(1);
  await shot(page, "controller-kraft");

  // The same scenario in ZooKeeper mode: says what changed, then expire the controller's session by name.
  await page.getByRole("button", { name: "ZooKeeper", exact: true }).click();
  await expect(page.getByTestId("notice")).toContainText("expire broker 1's ZooKeeper session");
  await expect(page.getByTestId("cluster")).toHaveAttribute("data-mode", "zookeeper");
  await page.getByRole("tab", { name: "Controller" }).click();
  await expect(page.getByTestId("znode-tree")).toContainText("/controller");
  await expect(page.getByTestId("active-controller")).toHaveText("b1");
  await runTo(page, 1000, 250);
  await page.getByRole("button", { name: "Expire b1's ZooKeeper session" }).click();
  await runTo(page, 1500, 100);
  await expect(page.getByTestId("active-controller")).not.toHaveText("b1");
  await expect(page.getByTestId("broker-b1")).toHaveAttribute("data-controller", "false");
  await shot(page, "controller-zookeeper");
});

test("a link to a ZooKeeper scenario opens it once ZooKeeper mode, a separate chunk, has loaded", async ({ page }) => {
  const chunks: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "script") chunks.push(new URL(r.url()).pathname);
  });
  await openScenario(page, "09-zookeeper-session-expiry");
  await expect(page.getByTestId("cluster")).toHaveAttribute("data-mode", "zookeeper");
  await expect(page.getByRole("combobox", { name: "Scenario" })).toHaveValue("09-zookeeper-session-expiry");
  await expect(page.getByTestId("notice")).toHaveCount(0);
  // The first page's scripts did not carry it: it came as its own chunk.
  expect(chunks.some((c) => /\/assets\/zk-[\w-]+\.js$/.test(c))).toBe(true);
});

test("when ZooKeeper mode's chunk cannot load, switching says so and the KRaft scenario stays open", async ({
  page,
}) => {
  await page.route(/\/assets\/zk-[\w-]+\.js$/, (route) => route.abort());
  await openScenario(page, "10-kraft-controller-failover");
  await runTo(page, 500, 250);
  await page.getByRole("button", { name: "ZooKeeper", exact: true }).click();
  await expect(page.getByTestId("error")).toContainText("Could not load ZooKeeper mode");
  await expect(page.getByTestId("cluster")).toHaveAttribute("data-mode", "kraft");
  expect(await nowMs(page)).toBe(500);
  await shot(page, "zookeeper-chunk-failed");
});

test("actions by name: partition the network and heal it, change acks, create a topic, add partitions", async ({
  page,
}) => {
  await openScenario(page, "01-leader-failover-acks-all");
  await runTo(page, 600);
  await page.getByRole("tab", { name: "Actions" }).click();
  await page.getByRole("combobox", { name: "Island of b3" }).selectOption("2");
  await page.getByRole("button", { name: "Split the network" }).click();
  await expect(page.getByTestId("partition-banner")).toContainText("{b3}");
  await runTo(page, 2600);
  await expect(partition(page, "orders-0")).toHaveAttribute("data-isr", "1,2");
  await shot(page, "network-partition");
  await page.getByRole("button", { name: "Heal the network" }).click();
  await expect(page.getByTestId("partition-banner")).toHaveCount(0);

  // A form error names the field; nothing typed is run or rendered as HTML.
  const form = page.getByRole("form", { name: "Create a topic" });
  await form.getByLabel("Topic name").fill("<img src=x onerror=alert(1)>");
  await form.getByRole("button", { name: "Create topic" }).click();
  await expect(form.getByRole("alert")).toContainText("Topic name: use letters");
  await form.getByLabel("Topic name").fill("clicks");
  await form.getByLabel("Replication factor").fill("7");
  await form.getByRole("button", { name: "Create topic" }).click();
  await expect(form.getByRole("alert")).toContainText("Replication factor");
  await form.getByLabel("Replication factor").fill("3");
  await form.getByLabel("Partitions").fill("2");
  await form.getByRole("button", { name: "Create topic" }).click();
  await runTo(page, 3200);
  await expect(partition(page, "clicks-0")).toBeVisible();
  await expect(partition(page, "clicks-1")).toBeVisible();

  const add = page.getByRole("form", { name: "Add partitions" });
  await add.getByRole("combobox", { name: "Topic" }).selectOption("clicks");
  await add.getByLabel("New partition count").fill("1");
  await add.getByRole("button", { name: "Add partitions" }).click();
  await expect(add.getByRole("alert")).toContainText("more than the current 2");
  await add.getByLabel("New partition count").fill("3");
  await add.getByRole("button", { name: "Add partitions" }).click();
  await runTo(page, 3800);
  await expect(partition(page, "clicks-2")).toBeVisible();

  // Change the producer's acks in its inspector.
  await page.getByRole("button", { name: /^Producer p1/ }).click();
  const settings = page.getByRole("form", { name: "Settings of p1" });
  await settings.getByRole("combobox", { name: "acks" }).selectOption("1");
  await settings.getByRole("button", { name: "Apply to p1" }).click();
  await expect(page.getByTestId("producer-p1")).toHaveAttribute("data-acks", "1");

  // Produce one record by hand, with a key.
  const produce = page.getByRole("form", { name: "Produce a record through p1" });
  await produce.getByLabel("Key").fill("zoe");
  await produce.getByLabel("Value").fill("hello");
  await produce.getByRole("button", { name: "Produce" }).click();
  // b1 (the leader) crashes at 3 s in this scenario: the record waits for the new leader, then lands.
  await runTo(page, 6000, 250);
  await expect(page.getByTestId("legend")).toContainText("zoe");

  // A topic config change by the partition's inspector (below the view now: focusing it pans the view to it).
  await page.getByRole("button", { name: /^Partition orders-0/ }).focus();
  await page.getByRole("button", { name: /^Partition orders-0/ }).click();
  const config = page.getByRole("form", { name: "Config of topic orders" });
  await config.getByLabel("min.insync.replicas").fill("3");
  await config.getByRole("button", { name: "Apply to orders" }).click();
  await runTo(page, 6400);
  await expect(partition(page, "orders-0")).toContainText("min 3");
});

test("acting in the past forks a branch; the timeline keeps the old future's markers", async ({ page }) => {
  await openScenario(page, "01-leader-failover-acks-all");
  await runTo(page, 6000, 300);
  await expect(page.getByTestId("markers").locator('[data-kind="crash"]')).toHaveCount(1);
  await seek(page, 1500);
  await expect(page.getByTestId("markers").locator('[data-kind="crash"]')).toHaveCount(1);
  await page.getByRole("button", { name: /^Broker 3,/ }).click();
  await page.getByRole("button", { name: "Shut down b3" }).click();
  await expect(page.getByRole("button", { name: /Branch 2/ })).toHaveAttribute("aria-pressed", "true");
  await runTo(page, 2500, 250);
  await expect(page.getByTestId("broker-b3")).toHaveAttribute("data-alive", "false");
  await page.getByRole("button", { name: "Original" }).click();
  await expect(page.getByTestId("broker-b3")).toHaveAttribute("data-alive", "true");
});

test("keyboard: digits select a broker, x crashes it; reduced motion stops the dots", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await openScenario(page, "01-leader-failover-acks-all");
  await runTo(page, 500);
  await page.locator("body").press("2");
  await expect(page.getByTestId("inspector-title")).toContainText("Broker b2");
  await page.locator("body").press("x");
  await expect(page.getByTestId("broker-b2")).toHaveAttribute("data-alive", "false");
  await expect(page.getByRole("checkbox", { name: "moving dots" })).toBeDisabled();
  await page.locator("body").press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toContainText("Crash the selected broker");
});

test("6 brokers × 12 partitions × RF 3 at 1280×720: no label overlaps another", async ({ page }) => {
  await page.goto("/");
  await page.waitForFunction(() => window.__kafkaSim !== undefined);
  await page.evaluate((s) => window.__kafkaSim!.loadValue(s), bigScenario(6, 12, 3));
  await runTo(page, 3000, 500);
  await expect(page.getByTestId("partition-clicks-11")).toBeAttached();
  const overlaps = await page.evaluate(() => {
    const boxes = [...document.querySelectorAll("svg.cluster text")]
      .filter((t) => !t.closest(".messages") && (t.textContent ?? "").trim() !== "")
      .map((t) => {
        const r = t.getBoundingClientRect();
        return { text: t.textContent, x: r.x, y: r.y, w: r.width, h: r.height };
      });
    const hits: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
        const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        if (ox > 1 && oy > 2) hits.push(`${a.text} / ${b.text}`);
      }
    return hits;
  });
  expect(overlaps).toEqual([]);
  await shot(page, "six-brokers-twelve-partitions");
});

test("Boxing Day after 15 s at 1280×720: 5-digit offsets, HW / LEO and group tables overlap nothing, no dot on a label", async ({
  page,
}) => {
  await page.goto("/");
  await page.waitForFunction(() => window.__kafkaSim !== undefined);
  await page.evaluate((s) => window.__kafkaSim!.loadValue(s), BOXING_DAY_SCENARIO);
  await page.evaluate(async () => {
    window.__kafkaSim!.runTo(15000);
    await new Promise((r) => requestAnimationFrame(() => r(null)));
  });
  await runTo(page, 15300, 100);
  expect(Number(await page.getByTestId("lane-orders-0-b1").getAttribute("data-leo"))).toBeGreaterThan(9999);
  const found = await page.evaluate(() => {
    const rect = (e: Element) => e.getBoundingClientRect();
    const texts = [...document.querySelectorAll("svg.cluster text")]
      .filter((t) => !t.closest(".messages") && (t.textContent ?? "").trim() !== "")
      .map((t) => ({ t, text: t.textContent, r: rect(t) }));
    const hit = (a: DOMRect, b: DOMRect, slackX = 1, slackY = 2) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > slackX &&
      Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slackY;
    const overlaps: string[] = [];
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (hit(texts[i].r, texts[j].r)) overlaps.push(`${texts[i].text} / ${texts[j].text}`);
    // Each offset inside its record's cell.
    const spilling = [...document.querySelectorAll("svg.cluster .record")]
      .map((g) => ({ cell: rect(g.querySelector("rect")!), text: g.querySelector(".record-offset")! }))
      .filter(({ cell, text }) => rect(text).left < cell.left - 0.5 || rect(text).right > cell.right + 0.5)
      .map(({ text }) => text.textContent);
    // No message dot on a partition's or a lane's label.
    const labels = texts.filter(({ t }) => t.closest(".partition-label") || t.classList.contains("lane-name"));
    const dotsOnLabels = [...document.querySelectorAll("svg.cluster .messages circle")]
      .map((c) => rect(c))
      .flatMap((d) => labels.filter((l) => hit(d, l.r, 0, 0)).map((l) => l.text));
    // The group tables end inside their cards.
    const tablesOut = [...document.querySelectorAll("svg.cluster .group")]
      .filter((g) => {
        const card = rect(g.querySelector(".group-card rect.card")!);
        return [...g.querySelectorAll(".group-table text")].some((t) => rect(t).bottom > card.bottom + 0.5);
      })
      .map((g) => g.getAttribute("data-testid"));
    return {
      overlaps,
      spilling,
      dotsOnLabels,
      tablesOut,
      records: document.querySelectorAll("svg.cluster .record").length,
    };
  });
  expect(found.records).toBeGreaterThan(50);
  expect(found.overlaps).toEqual([]);
  expect(found.spilling).toEqual([]);
  expect(found.dotsOnLabels).toEqual([]);
  expect(found.tablesOut).toEqual([]);
  await shot(page, "boxing-day-busy");
});

test("switching the timing profile reloads the scenario and says which timeouts changed", async ({ page }) => {
  await openScenario(page, "01-leader-failover-acks-all");
  await page.getByRole("button", { name: "Kafka defaults" }).click();
  await expect(page.getByTestId("notice")).toContainText("broker.session.timeout.ms 9000 ms (was 1500 ms)");
  await expect(page.getByRole("button", { name: "Kafka defaults" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: /^Broker 1,/ }).click();
  await expect(page.getByRole("region", { name: "Cluster state as text" })).toContainText("KRaft mode");
  await expect(page.getByTestId("inspector")).toContainText("9000");
});
