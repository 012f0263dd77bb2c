import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { channelPath, TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";
import { type CountingProxy, type ProxiedExchange, startCountingProxy } from "../support/counting-proxy.ts";
import { expect, LABELS, panel, stateOf, test } from "../support/lab-page.ts";

// The page's requests and wire bytes (exact, from its JSON export) held against every TCP payload
// byte that crossed a counting proxy between Chromium and the server: what a packet capture on
// loopback sees, each byte given to the HTTP exchange it belongs to, with nothing to install.
// docs/metrics.md ("How the figures are checked") says what may still differ and why.

/**
 * What the page cannot see and so does not count, per connection: the server's protocol ping
 * (2 bytes in) and Chromium's pong (6 bytes out), one per heartbeat (25 s) on a WebSocket.
 * Everything else must match to the byte.
 */
const WS_PING = { in: 2, out: 6 } as const;
/** The same for an event stream: the server's `: ping` comment every 15 s, 13 bytes with its chunk framing. */
const SSE_KEEPALIVE = 13;

interface Counted {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  pings: number;
  pongs: number;
  comments: number;
}

interface Exported {
  transports: {
    transport: TransportName;
    metrics: { httpRequests: number; bytesIn: { bytes: number }; bytesOut: { bytes: number } };
  }[];
}

/** The transport an exchange belongs to by its URL, as a capture filtered on the path sees it. */
function byPath(x: ProxiedExchange, channel: string): TransportName | undefined {
  const url = new URL(x.target, "http://proxy");
  return TRANSPORT_NAMES.find((name) => url.pathname === channelPath(channel, name));
}

/**
 * The page's own start-up lookups (`GET …/poll` without a cursor for the channel head, and with
 * one for the chat lines before it) use the interval-polling URL but are made by the page, not by
 * the interval-polling client: its panel does not count them, and a capture must leave them out.
 * The client's polls always carry `client=`.
 */
function isPagePeek(x: ProxiedExchange): boolean {
  return !new URL(x.target, "http://proxy").searchParams.has("client");
}

/** The channel's transport exchanges (page peeks left out). */
function transportExchanges(proxy: CountingProxy, channel: string): [TransportName, ProxiedExchange][] {
  const out: [TransportName, ProxiedExchange][] = [];
  for (const x of proxy.exchanges) {
    const t = byPath(x, channel);
    if (t !== undefined && !(t === "poll" && isPagePeek(x))) out.push([t, x]);
  }
  return out;
}

/** When a byte of the channel's transports last crossed the proxy (the page's other API calls do not matter here). */
function lastByteAt(proxy: CountingProxy, channel: string): number {
  return Math.max(0, ...transportExchanges(proxy, channel).map(([, x]) => x.lastByteAt));
}

function count(proxy: CountingProxy, channel: string): Record<TransportName, Counted> {
  const out = Object.fromEntries(
    TRANSPORT_NAMES.map((t) => [
      t,
      { requests: 0, bytesIn: 0, bytesOut: 0, pings: 0, pongs: 0, comments: 0 },
    ]),
  ) as Record<TransportName, Counted>;
  for (const [t, x] of transportExchanges(proxy, channel)) {
    const c = out[t];
    c.requests += 1;
    c.bytesIn += x.bytesIn;
    c.bytesOut += x.bytesOut;
    c.pings += x.frames["in ping"] ?? 0;
    c.pongs += x.frames["out pong"] ?? 0;
    c.comments += x.frames["in comment"] ?? 0;
  }
  return out;
}

async function exportFigures(page: Page): Promise<Exported> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export JSON", exact: true }).click(),
  ]);
  return JSON.parse(await readFile(await download.path(), "utf8")) as Exported;
}

/** Both sides at a moment when nothing crossed the wire for longer than a poll answer takes to be counted. */
async function settled(page: Page, proxy: CountingProxy, channel: string) {
  let result: { shown: Exported; counted: Record<TransportName, Counted> } | undefined;
  await expect(async () => {
    const mark = lastByteAt(proxy, channel);
    // The page's figures refresh every 500 ms.
    expect(Date.now() - mark, "quiet on the wire").toBeGreaterThan(700);
    const shown = await exportFigures(page);
    expect(lastByteAt(proxy, channel), "no byte while exporting").toBe(mark);
    result = { shown, counted: count(proxy, channel) };
  }).toPass({ timeout: 20_000, intervals: [100] });
  if (result === undefined) throw new Error("unreachable");
  return result;
}

function expectSame(label: string, shown: Exported, counted: Record<TransportName, Counted>): void {
  const rows = TRANSPORT_NAMES.map((t) => {
    const m = shown.transports.find((f) => f.transport === t)?.metrics;
    const c = counted[t];
    return {
      transport: t,
      requests: `${m?.httpRequests} / ${c.requests}`,
      in: `${m?.bytesIn.bytes} / ${c.bytesIn}`,
      out: `${m?.bytesOut.bytes} / ${c.bytesOut}`,
      pings: c.pings,
      comments: c.comments,
    };
  });
  console.log(label);
  console.table(rows);
  for (const t of TRANSPORT_NAMES) {
    const m = shown.transports.find((f) => f.transport === t)?.metrics;
    const c = counted[t];
    expect(m?.httpRequests, `${label}: ${t} requests (page / proxy)`).toBe(c.requests);
    expect(m?.bytesIn.bytes, `${label}: ${t} bytes in`).toBe(
      c.bytesIn - c.pings * WS_PING.in - c.comments * SSE_KEEPALIVE,
    );
    expect(m?.bytesOut.bytes, `${label}: ${t} bytes out`).toBe(c.bytesOut - c.pongs * WS_PING.out);
  }
}

test("the page's requests and wire bytes equal what a byte-counting TCP proxy saw, to the byte", async ({
  page,
  api,
  baseURL,
  newChannel,
}, testInfo) => {
  test.setTimeout(90_000);
  const ch = newChannel("capture");
  // A channel with history: the page then looks up the head and the chat lines before it.
  await api.generate(ch, 5, 50, 64);
  const proxy = await startCountingProxy(Number(new URL(baseURL as string).port));
  try {
    // Polls 2 s apart leave quiet moments in which both sides can be read at rest.
    await page.goto(`${proxy.url}/?${new URLSearchParams({ channel: ch, poll: "2000" })}`);
    for (const t of TRANSPORT_NAMES)
      await expect(stateOf(panel(page, t))).toHaveText(/^Open/, { timeout: 15_000 });
    await api.generate(ch, 40, 20, 200);
    const running = await settled(page, proxy, ch);
    expectSame("running", running.shown, running.counted);

    // Pausing closes each client: the held long-poll is aborted, the stream cut, the WebSocket
    // closed with a closing handshake (a masked close frame out, the server's close frame in).
    for (const t of TRANSPORT_NAMES) {
      await page.getByRole("button", { name: `Pause ${LABELS[t]}` }).click();
      await expect(stateOf(panel(page, t))).not.toHaveText(/^Open/);
    }
    const paused = await settled(page, proxy, ch);
    // The page keeps a paused lane's figures as they were just before it closes the client
    // (apps/web Lane.retire folds them first), so the closing handshake is not in its panel:
    // taken out here by the sizes the proxy saw, and named in docs/metrics.md.
    const ws = transportExchanges(proxy, ch).find(([t]) => t === "ws")?.[1];
    expect(ws?.frames["out close"], "one close frame each way").toBe(1);
    expect(ws?.frames["in close"]).toBe(1);
    paused.counted.ws.bytesIn -= ws?.frameBytes["in close"] ?? 0;
    paused.counted.ws.bytesOut -= ws?.frameBytes["out close"] ?? 0;
    expectSame("paused", paused.shown, paused.counted);

    // What a capture filtered on the interval-polling URL adds to that panel: the page's own two
    // start-up lookups (the head, and the chat lines before it), one empty answer and one with
    // the channel's 5 earlier messages; not the transport's traffic, and not in its figures.
    const peeks = proxy.exchanges.filter((x) => byPath(x, ch) === "poll" && isPagePeek(x));
    expect(peeks.map((x) => new URL(x.target, "http://proxy").searchParams.has("cursor"))).toEqual([
      false,
      true,
    ]);
    const rows = peeks.map((x) => `${x.method} ${x.target}: ${x.bytesOut} B out, ${x.bytesIn} B in`);
    console.log(`page lookups on the poll URL:\n${rows.join("\n")}`);
    await testInfo.attach("proxy-exchanges.json", {
      body: JSON.stringify(proxy.exchanges, null, 2),
      contentType: "application/json",
    });
  } finally {
    await proxy.stop();
  }
});
