import {
  expect,
  FIVE_LANES,
  type LaneName,
  openLab,
  readCost,
  type ShownFigure,
  test,
} from "../support/lab-page.ts";
import { type MeteredCost, NetworkMeter } from "../support/network-meter.ts";

// Every figure a panel shows must agree with an independent measurement within 5 % (docs/metrics.md,
// "How the figures are checked"). Here the independent measurement is Chromium's own network
// stack, read through the DevTools Protocol while the page runs: requests, HTTP bytes as the
// network stack counted them, and every WebSocket frame. Nothing is loosened: a figure that cannot be checked is named below.
// The page runs the "vs Socket.IO" comparison: the fifth lane's long polling (XMLHttpRequests whose
// heads the page never sees), its upgrade and its frames are held to the same 5 %.

const TOLERANCE = 0.05;

type Shown = Awaited<ReturnType<typeof readCost>>;

/**
 * Waits for a moment when nothing moves, then reads both sides: no network event for longer than
 * the page's refresh period (500 ms) before, during and after reading the panels, so that the
 * panels show exactly what the meter has counted.
 */
async function settledReadings(page: Parameters<typeof readCost>[0], meter: NetworkMeter) {
  let result: { ui: Record<LaneName, Shown>; cdp: Record<LaneName, MeteredCost> } | undefined;
  await expect(async () => {
    const mark = meter.lastChange;
    expect(Date.now() - mark, "quiet on the network").toBeGreaterThan(800);
    const cdp = meter.totals();
    const ui = {} as Record<LaneName, Shown>;
    for (const t of FIVE_LANES) ui[t] = await readCost(page, t);
    expect(meter.lastChange, "no network event while reading").toBe(mark);
    result = { ui, cdp };
  }).toPass({ timeout: 20_000, intervals: [150] });
  if (result === undefined) throw new Error("unreachable");
  return result;
}

function expectAgrees(what: string, shown: ShownFigure, measured: number) {
  // The panel rounds for display ("12.3 KiB"): that half-unit is a known error, not a tolerance.
  const allowed = TOLERANCE * measured + shown.rounding;
  expect(
    Math.abs(shown.value - measured),
    `${what}: panel shows ${shown.text} (${shown.value}), CDP counted ${measured}`,
  ).toBeLessThanOrEqual(allowed);
}

for (const scenario of ["steady", "with every connection cut once"] as const) {
  test(`each panel's requests and wire bytes agree with Chromium's network stack (CDP) within 5 %: ${scenario}`, async ({
    page,
    api,
    newChannel,
  }, testInfo) => {
    // Two generator runs (5 s) and the page's start take ~12 s on a quiet machine, and the settled
    // reading may wait up to 20 s for a quiet moment: more than the default 30 s on a busy one
    // (CI saw 31.8 s, then 15 s on the retry).
    test.setTimeout(60_000);
    const ch = newChannel("cdp");
    const meter = await NetworkMeter.attach(page, ch);
    // Polls 2 s apart leave quiet moments in which both sides can be read at rest.
    await openLab(page, { channel: ch, poll: "2000", vs: "socketio" }, FIVE_LANES);
    await api.generate(ch, 80, 30, 200);
    if (scenario !== "steady") {
      // Reconnects are requests and bytes too. (A WebSocket close frame, 2–20 bytes, is invisible
      // to CDP and counted by the panel: far below 5 % of the window.)
      await expect.poll(async () => (await api.head(ch)).subscribers.longPoll).toBe(1);
      await api.disconnect(ch);
      // The cut shows as new connections on the network (the "Reconnecting" pill can last only
      // a few milliseconds with a jittered first retry, too short to sample reliably).
      await expect.poll(() => meter.totals().ws.requests).toBe(2);
      await expect.poll(() => meter.totals().sse.requests).toBe(2);
    }
    await api.generate(ch, 80, 30, 200);
    await expect(page.locator(".status-pill")).toHaveText("Live", { timeout: 15_000 });
    const { ui, cdp } = await settledReadings(page, meter);

    const rows = FIVE_LANES.map((t) => ({
      transport: t,
      uiRequests: ui[t].requests.value,
      cdpRequests: cdp[t].requests,
      uiIn: ui[t].bytesIn.text,
      cdpIn: cdp[t].bytesIn,
      uiOut: ui[t].bytesOut.text,
      cdpOut: cdp[t].bytesOut,
      messages: ui[t].messages.value,
    }));
    console.table(rows);
    await testInfo.attach("cdp-vs-ui.json", {
      body: JSON.stringify(rows, null, 2),
      contentType: "application/json",
    });

    expect(meter.publishes, "this page published nothing").toBe(0);
    if (scenario !== "steady") {
      expect(cdp.ws.requests, "a new WebSocket handshake").toBe(2);
      expect(cdp.sse.requests, "a new SSE stream").toBe(2);
    }
    for (const t of FIVE_LANES) {
      expectAgrees(`${t} HTTP requests`, ui[t].requests, cdp[t].requests);
      expectAgrees(`${t} wire in`, ui[t].bytesIn, cdp[t].bytesIn);
      expectAgrees(`${t} wire out`, ui[t].bytesOut, cdp[t].bytesOut);
    }
  });
}
