import type { Page } from "@playwright/test";
import {
  expect,
  exported,
  FIVE_LANES,
  figure,
  openLab,
  panel,
  recordTwoWindows,
  stateOf,
  test,
} from "../support/lab-page.ts";

// The compare view's optional fifth lane in a real browser: the same channel through the server's
// Socket.IO endpoint, with socket.io-client loaded only once the lane is turned on, and then in
// every place the four lanes are: the panels, the latency chart, the cost bars, the Wire tab,
// Record and the exports. (Its requests and bytes against Chromium's own count: honest-numbers.spec.ts.)

/** The server's own count of `message` events it wrote to Socket.IO clients (all channels). */
async function serverSocketIoMessages(page: Page): Promise<number> {
  const res = await page.request.get("/api/metrics");
  const body = (await res.json()) as { transports: { socketio?: { messagesOut: number } } };
  return body.transports.socketio?.messagesOut ?? 0;
}

interface ExportedFigures {
  transports: {
    transport: string;
    metrics: {
      messages: number;
      clock: { offset: number; uncertainty: number } | null;
      histogram?: { count: number };
    };
    check: { delivered: number; skips: number; repeats: number } | null;
  }[];
}

test("the Socket.IO lane is off by default, loads its client only when turned on, and shows what the server sent: in its panel, the chart, the cost bars and the export", async ({
  page,
  api,
  newChannel,
}) => {
  const ch = newChannel("sio-lane");
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await openLab(page, { channel: ch });
  const sio = panel(page, "socketio");
  await expect(sio).toHaveCount(0);
  const toggle = page.getByRole("button", { name: "vs Socket.IO" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByRole("list", { name: "Latest latency per transport" })).not.toContainText("SIO");
  // Nothing of Socket.IO yet: no Engine.IO request, and the scripts loaded so far are the page's own.
  expect(requests.filter((u) => u.includes("/socket.io/"))).toEqual([]);
  const scriptsBefore = requests.filter((u) => u.endsWith(".js"));

  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(page).toHaveURL(/[?&]vs=socketio/);
  await expect(stateOf(sio)).toHaveText("Open", { timeout: 15_000 });
  // A script chunk of its own arrived with the lane, and Engine.IO's polling came after it.
  expect(requests.filter((u) => u.endsWith(".js")).length).toBeGreaterThan(scriptsBefore.length);
  expect(requests.some((u) => u.includes("/socket.io/?EIO=4&transport=polling"))).toBe(true);
  // Its clock samples (the `time` ack) go over its own connection before it counts latencies.
  await expect(figure(sio, "Clock ±")).toHaveText(/^±\d/, { timeout: 15_000 });

  const sentBefore = await serverSocketIoMessages(page);
  const N = 30;
  for (let i = 1; i <= N; i++) await api.publish(ch, { i });
  const head = await api.head(ch);
  await expect(figure(sio, "Cursor")).toHaveText(`${head.epoch}:${N}`, { timeout: 15_000 });
  await expect(figure(sio, "Messages")).toHaveText(String(N));
  await expect(figure(sio, "Gaps / dup / reord")).toHaveText("0 / 0 / 0");
  await expect(sio.locator("ul.recent li").first()).toContainText(`#${N} `);
  // The server wrote exactly these N message events to Socket.IO clients: this page's one.
  expect((await serverSocketIoMessages(page)) - sentBefore).toBe(N);

  // Latency measured (a number, or "< ±x" below its own clock's uncertainty), in the panel and the chart's legend.
  await expect(sio.locator(".latency-row .value").first()).toHaveText(/\d/);
  await expect(page.getByRole("list", { name: "Latest latency per transport" })).toContainText(
    /SIO: (<\s)?±?\d/,
  );
  // The cost bars have a Socket.IO line with its requests and bytes per message.
  const cost = page.locator("section", { has: page.locator("#cost-chart-title") });
  const sioBars = cost.locator(".bar-line").filter({ hasText: /^SIO/ });
  await expect(sioBars).toHaveCount(3);
  await expect(sioBars.nth(1).locator(".bar-value")).toHaveText(/^\d+(\.\d+)? B$/);
  await expect(sioBars.nth(2).locator(".bar-value")).toHaveText("a stream: no answers");

  // The export carries the fifth lane beside the four, with the page's own check and its own clock.
  const doc = JSON.parse(await exported(page, "Export JSON")) as ExportedFigures;
  expect(doc.transports.map((t) => t.transport)).toEqual([...FIVE_LANES]);
  const of = (t: string) => doc.transports.find((f) => f.transport === t);
  expect(of("socketio")?.metrics.messages).toBe(N);
  expect(of("socketio")?.metrics.histogram?.count).toBe(N);
  expect(of("socketio")?.check).toMatchObject({ delivered: N, skips: 0, repeats: 0 });
  // Two estimates: the page's (over HTTP, shared by the four) and Socket.IO's own (over its connection).
  const pageClock = of("ws")?.metrics.clock;
  const ownClock = of("socketio")?.metrics.clock;
  expect(ownClock).not.toBeNull();
  for (const t of ["sse", "longPoll", "poll"]) expect(of(t)?.metrics.clock).toEqual(pageClock);
  expect(ownClock).not.toEqual(pageClock);
  // The panel shows the uncertainty its latencies are held to ("< ±x" below it).
  const shownClock = Number(/±([\d.]+) ms/.exec((await figure(sio, "Clock ±").textContent()) ?? "")?.[1]);
  expect(Math.abs(shownClock - (ownClock?.uncertainty ?? Number.NaN))).toBeLessThan(0.05 * shownClock + 0.01);
  const csv = (await exported(page, "Export CSV")).trimEnd().split("\r\n");
  const header = csv[0]?.split(",") ?? [];
  const rows = csv.slice(1).map((line) => line.split(","));
  expect(rows.map((r) => r[header.indexOf("transport")])).toEqual([...FIVE_LANES]);
  expect(rows[4]?.[header.indexOf("messages")]).toBe(String(N));

  // Off again: the panel goes, its client with it, and the link forgets it.
  await toggle.click();
  await expect(sio).toHaveCount(0);
  await expect(page).not.toHaveURL(/vs=socketio/);
  await expect
    .poll(
      async () =>
        (await page.request.get("/api/metrics").then((r) => r.json())).transports.socketio.connections,
    )
    .toBe(0);
});

test("Record keeps the Socket.IO lane's window beside the four, and saved runs compare it", async ({
  page,
  api,
  newChannel,
}) => {
  test.setTimeout(60_000);
  const ch = newChannel("sio-record");
  await openLab(page, { channel: ch, vs: "socketio" }, FIVE_LANES);
  await recordTwoWindows(page, api, ch);
  await page.goto(`/?channel=${ch}&view=runs`);
  const runs = page.locator(".run-list > li");
  await expect(runs).toHaveCount(2);
  const run = JSON.parse(await exported(page, "JSON")) as ExportedFigures & {
    settings: { socketio: boolean };
  };
  expect(run.settings.socketio).toBe(true);
  expect(run.transports.map((t) => t.transport)).toEqual([...FIVE_LANES]);
  const sio = run.transports[4];
  // A window from zero: about 5 s of 40 msg/s (its client reconnected from its cursor when it began).
  expect(sio?.metrics.messages).toBeGreaterThan(100);
  expect(sio?.metrics.messages).toBeLessThan(300);
  expect(sio?.metrics.histogram?.count).toBe(sio?.metrics.messages);
  for (let i = 0; i < 2; i++) await runs.nth(i).getByRole("checkbox").check();
  const diff = page.getByRole("table").filter({ has: page.getByText("B ÷ A") });
  const sioRate = diff.locator("tbody tr").filter({ hasText: "SIO" }).filter({ hasText: "Messages / s" });
  // Generous bounds: on a loaded machine a window's reconnect takes a share of its 5 s.
  await expect(sioRate.locator("td")).toHaveText([
    "Messages / s",
    /^(1[7-9]|2[01])\.\d$/,
    /^(3[5-9]|4[01])\.\d$/,
    /^×(1\.[7-9]|2\.[0-3])\d$/,
  ]);
});

test("the Wire tab shows what Socket.IO adds on its lane: the open packet over polling, the upgrade, 42[…] events, ping and pong", async ({
  page,
  api,
  newChannel,
}) => {
  // Engine.IO pings every 25 s: the test waits for one.
  test.setTimeout(75_000);
  const ch = newChannel("sio-wire");
  await openLab(page, { channel: ch, vs: "socketio", view: "wire" }, []);
  await page.getByLabel("Transport").selectOption("socketio");
  const column = page.getByRole("list", { name: "Wire events of Socket.IO, newest first" });
  await expect(page.locator(".wire-grid h2")).toHaveText(["Socket.IO"]);
  await expect(column).toContainText("5 upgrade", { timeout: 15_000 });
  for (let i = 1; i <= 3; i++) await api.publish(ch, { i });
  await expect(column).toContainText('42["message",…] #3');
  // The clock samples: `time` events with acks over the lane's own connection.
  await expect(column).toContainText('["time",…] ack');
  const rows = (await column.locator("li").allTextContents()).reverse();
  const at = (text: string) => rows.findIndex((r) => r.includes(text));
  // Long polling first: the handshake GET answered with the open packet, then the probe and the switch.
  expect(at("GET (long-polling) took")).toBeGreaterThanOrEqual(0);
  expect(rows[at("0 open")]).toMatch(
    /GET \(long-polling\) took .* → 0 open \(upgrades websocket, ping every 25 s\)/,
  );
  expect(at("0 open")).toBeLessThan(at("GET websocket handshake (upgrade probe)"));
  expect(at("GET websocket handshake (upgrade probe)")).toBeLessThan(at("2probe ping"));
  expect(at("2probe ping")).toBeLessThan(at("3probe pong"));
  expect(at("3probe pong")).toBeLessThan(at("5 upgrade"));
  expect(at("5 upgrade")).toBeLessThan(at('42["message",…] #1'));
  // A POST carried the join (`40`) with its `ok`.
  expect(rows.some((r) => /POST \(long-polling\): 40 connect.*→ ok/.test(r))).toBe(true);
  // Sizes include the HTTP heads: the handshake GET and its answer are hundreds of bytes, not the open packet's ~100.
  const openRow = rows[at("0 open")] ?? "";
  const size = Number(/(\d+(?:\.\d+)?) (B|KiB)/.exec(openRow)?.[1]);
  expect(size * (openRow.includes("KiB") ? 1024 : 1)).toBeGreaterThan(400);
  // The server's ping (every 25 s) and the client's pong.
  await expect(column).toContainText("2 ping", { timeout: 35_000 });
  await expect(column).toContainText("3 pong");
});
