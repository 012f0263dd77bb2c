import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import {
  expect,
  exported,
  figure,
  openLab,
  panel,
  recordTwoWindows,
  stateOf,
  test,
} from "../support/lab-page.ts";
import { OwnServer } from "../support/own-server.ts";
import { serverDriver } from "../support/server-driver.ts";

// Measuring like a developer: fixed windows kept as runs, and what a too-short history costs.

test("Record measures a fixed window from zero; runs are kept, exported and compared side by side", async ({
  page,
  api,
  newChannel,
}) => {
  test.setTimeout(60_000);
  const ch = newChannel("record");
  await openLab(page, { channel: ch });
  await recordTwoWindows(page, api, ch);

  // Kept in this browser: still there after a reload.
  await page.goto(`/?channel=${ch}&view=runs`);
  const runs = page.locator(".run-list > li");
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(0).locator("strong")).toHaveText("compare · 5 s · 40 msg/s × 64 B");
  await expect(runs.nth(1).locator("strong")).toHaveText("compare · 5 s · 20 msg/s × 64 B");
  await expect(runs.nth(0)).toContainText(`channel ${ch}, poll every 1.00 s`);

  const run = JSON.parse(await exported(page, "JSON")) as {
    kind: string;
    durationMs: number;
    settings: { channel: string };
    generator: { rate: number };
    transports: {
      transport: string;
      metrics: { messages: number; elapsedMs: number; histogram?: { count: number } };
    }[];
  };
  expect(run).toMatchObject({
    kind: "transport-lab/run",
    durationMs: 5000,
    settings: { channel: ch },
    generator: { rate: 40 },
  });
  expect(run.transports.map((t) => t.transport)).toEqual([...TRANSPORT_NAMES]);
  for (const t of run.transports) {
    // A window from zero: about 5 s of 40 msg/s, not everything since the page connected.
    expect(t.metrics.messages, t.transport).toBeGreaterThan(100);
    expect(t.metrics.messages, t.transport).toBeLessThan(300);
    expect(t.metrics.histogram?.count, `${t.transport} histogram`).toBe(t.metrics.messages);
  }
  const csv = (await exported(page, "CSV")).trimEnd().split("\r\n");
  const head = csv[0]?.split(",") ?? [];
  expect(head.slice(0, 4)).toEqual(["run", "runStartedAt", "channel", "mode"]);
  expect(head).toContain("lost");
  expect(csv).toHaveLength(5);
  expect(csv[1]?.split(",")[head.indexOf("generatorRate")]).toBe("40");

  for (let i = 0; i < 2; i++) await runs.nth(i).getByRole("checkbox").check();
  const diff = page.getByRole("table").filter({ has: page.getByText("B ÷ A") });
  const wsMessages = diff.locator("tbody tr").filter({ hasText: "WS" }).filter({ hasText: "Messages / s" });
  await expect(wsMessages.locator("td")).toHaveText([
    "Messages / s",
    /^(19|20|21)\.\d$/,
    /^(39|40|41)\.\d$/,
    /^×(1\.9|2\.0|2\.1)\d$/,
  ]);
});

test("a poll interval longer than the history lasts loses messages, and the page says so before and after", async ({
  page,
}) => {
  test.setTimeout(90_000);
  // 600 messages kept at 200 msg/s: 3 s of history; interval polling every 5 s finds 1,000 new each time.
  const server = new OwnServer(undefined, { HISTORY: "600" });
  await server.start();
  try {
    const api = serverDriver(server.url);
    const ch = "e2e-loss";
    await page.goto(`${server.url}/?channel=${ch}&poll=5000&rate=200`);
    for (const t of TRANSPORT_NAMES)
      await expect(stateOf(panel(page, t)), t).toHaveText("Open", { timeout: 15_000 });
    // Before anything is lost, the controls warn.
    await expect(page.getByRole("list", { name: "What these settings will cost" })).toContainText(
      "The server keeps the last 600 messages of a channel: at 200 msg/s that is 3.00 s of history. Interval polling asks every 5.00 s, when 1,000 new messages have come: about 40% of them will be gone before it asks",
    );
    await page.getByRole("button", { name: "Start generator" }).click();
    const poll = panel(page, "poll");
    await expect(figure(poll, "Lost")).not.toHaveText("0", { timeout: 30_000 });
    await expect(poll.locator("p.note.error")).toContainText(
      "lost: between two polls (every 5.00 s) about 1,000 new messages arrive at 200 msg/s. The server keeps only the last 600 messages of a channel",
    );
    // A panel away longer than the history loses the same way when it comes back.
    await page.getByRole("button", { name: "Pause WebSocket" }).click();
    await page.waitForTimeout(4500);
    await page.getByRole("button", { name: "Resume WebSocket" }).click();
    await expect(figure(panel(page, "ws"), "Lost")).not.toHaveText("0", { timeout: 15_000 });
    await api.generator(ch, 0);
    for (const t of ["sse", "longPoll"] as const)
      await expect(figure(panel(page, t), "Lost"), t).toHaveText("0");

    const doc = JSON.parse(await exported(page, "Export JSON")) as {
      transports: { transport: string; metrics: { lost?: number }; check: { lost: number } | null }[];
    };
    const lost = Object.fromEntries(
      doc.transports.map((f) => [f.transport, f.metrics.lost ?? f.check?.lost]),
    );
    expect(lost.poll).toBeGreaterThan(0);
    expect(lost.ws).toBeGreaterThan(0);
    expect([lost.sse, lost.longPoll]).toEqual([0, 0]);
    // The panel shows the same count the export carries.
    await expect(figure(poll, "Lost")).toHaveText((lost.poll as number).toLocaleString("en-US"));
  } finally {
    await page.close();
    await server.stop();
  }
});
