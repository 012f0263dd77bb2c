import type { CDPSession, Page } from "@playwright/test";
import { type LinkInfo, type LinksResponse, linkBaseUrl, SOCKET_IO_PATH } from "@transport-lab/protocol";
import { expect, exported, FIVE_LANES, figure, panel, stateOf, test } from "../support/lab-page.ts";
import type { ServerDriver } from "../support/server-driver.ts";

// The Socket.IO lane of a page opened under an emulated network link (docs/network-links.md):
// its Engine.IO requests and its WebSocket upgrade must go through the link, as the four lanes'
// do (linked-page.spec.ts), and its latency must carry the link's delay. What went where is read
// from Chromium's network stack (CDP), not from the page's own figures.

/** The link the test goes through: a real round trip, no loss, no fault. */
const LINK = "4g";
const MESSAGES = 40;

/** What Chromium's network stack saw of Engine.IO: HTTP requests and WebSockets, with the frames they received. */
interface EngineTraffic {
  /** Every URL the page asked for (HTTP and WebSocket), to check that none left the link. */
  readonly all: URL[];
  readonly http: URL[];
  readonly sockets: Map<string, { url: URL; status: number | null; received: string[]; sent: string[] }>;
}

async function watchEngineIo(page: Page): Promise<{ session: CDPSession; traffic: EngineTraffic }> {
  const session = await page.context().newCDPSession(page);
  const traffic: EngineTraffic = { all: [], http: [], sockets: new Map() };
  const isEngine = (url: URL) => url.pathname.endsWith(SOCKET_IO_PATH);
  session.on("Network.requestWillBeSent", (e) => {
    const url = new URL(e.request.url);
    if (url.protocol !== "data:") traffic.all.push(url);
    if (isEngine(url)) traffic.http.push(url);
  });
  session.on("Network.webSocketCreated", (e) => {
    const url = new URL(e.url);
    traffic.all.push(url);
    if (isEngine(url)) traffic.sockets.set(e.requestId, { url, status: null, received: [], sent: [] });
  });
  session.on("Network.webSocketHandshakeResponseReceived", (e) => {
    const socket = traffic.sockets.get(e.requestId);
    if (socket !== undefined) socket.status = e.response.status;
  });
  session.on("Network.webSocketFrameReceived", (e) => {
    traffic.sockets.get(e.requestId)?.received.push(e.response.payloadData);
  });
  session.on("Network.webSocketFrameSent", (e) => {
    traffic.sockets.get(e.requestId)?.sent.push(e.response.payloadData);
  });
  await session.send("Network.enable");
  return { session, traffic };
}

/** The seqs of the `message` events among Socket.IO frames (`42["message",{…,"seq":n,…}]`), in arrival order. */
function messageSeqs(frames: readonly string[]): number[] {
  const seqs: number[] = [];
  for (const frame of frames) {
    if (!frame.startsWith('42["message",')) continue;
    const [, envelope] = JSON.parse(frame.slice(2)) as [string, { seq: number }];
    seqs.push(envelope.seq);
  }
  return seqs;
}

/** The server's own count of `message` events it wrote to Socket.IO clients (all channels). */
async function serverSocketIoMessages(api: ServerDriver): Promise<number> {
  const res = await fetch(`${api.baseUrl}/api/metrics`);
  const body = (await res.json()) as { transports: { socketio?: { messagesOut: number } } };
  return body.transports.socketio?.messagesOut ?? 0;
}

/** Publishes `count` messages 25 ms apart (a steady trickle, never a burst queued behind itself). */
async function trickle(api: ServerDriver, channel: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await api.publish(channel, { i });
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface LaneFigures {
  transport: string;
  metrics: { messages: number; latency: { p50: number | null } };
  check: { delivered: number; skips: number; repeats: number } | null;
}

/**
 * Opens the five-lane page at `base` ("" or `/link/<name>`) and waits for the Socket.IO lane to be
 * open with its own clock; resolves with the lane's panel.
 */
async function socketIoLane(page: Page, channel: string, base: string) {
  await page.goto(`${base}/?${new URLSearchParams({ channel, vs: "socketio" }).toString()}`);
  const sio = panel(page, "socketio");
  await expect(stateOf(sio)).toHaveText(/^Open/, { timeout: 20_000 });
  // Latencies count from the lane's first clock estimate, taken over its own connection.
  await expect(figure(sio, "Clock ±")).toHaveText(/^±\d/, { timeout: 20_000 });
  return sio;
}

/** The Socket.IO lane's figures in the page's JSON export. */
async function exportedLane(page: Page): Promise<LaneFigures | undefined> {
  const doc = JSON.parse(await exported(page, "Export JSON")) as { transports: LaneFigures[] };
  expect(doc.transports.map((t) => t.transport)).toEqual([...FIVE_LANES]);
  return doc.transports.find((t) => t.transport === "socketio");
}

test(`the Socket.IO lane of a page under /link/${LINK}/ connects through the link, gets every message in order, and its latency carries the link's delay`, async ({
  browser,
  page,
  api,
  newChannel,
}) => {
  test.setTimeout(90_000);
  const { links } = (await (await fetch(`${api.baseUrl}/api/links`)).json()) as LinksResponse;
  const link = links.find((l) => l.name === LINK) as LinkInfo;
  expect(link.rttMs, "a link with a real round trip").toBeGreaterThanOrEqual(20);
  expect(link.lossPercent, "no loss: no random stall in the figures").toBe(0);
  const base = linkBaseUrl(LINK);

  // The reference: the same lane on loopback, in a context of its own (its own connection pool).
  const loopContext = await browser.newContext();
  const loopPage = await loopContext.newPage();
  const loopChannel = newChannel("sio-loop");
  const loopLane = await socketIoLane(loopPage, loopChannel, "");
  await trickle(api, loopChannel, MESSAGES);
  await expect(figure(loopLane, "Messages")).toHaveText(String(MESSAGES), { timeout: 15_000 });
  const loopback = await exportedLane(loopPage);
  await loopContext.close();

  const ch = newChannel("sio-link");
  const { traffic } = await watchEngineIo(page);
  const sio = await socketIoLane(page, ch, base);
  // Engine.IO starts with long polling and upgrades: wait until the WebSocket carried the upgrade.
  await expect.poll(() => [...traffic.sockets.values()].some((s) => s.sent.includes("5"))).toBe(true);

  const sentBefore = await serverSocketIoMessages(api);
  await trickle(api, ch, MESSAGES);
  const head = await api.head(ch);
  await expect(figure(sio, "Cursor")).toHaveText(`${head.epoch}:${MESSAGES}`, { timeout: 15_000 });
  await expect(figure(sio, "Messages")).toHaveText(String(MESSAGES));
  await expect(figure(sio, "Gaps / dup / reord")).toHaveText("0 / 0 / 0");
  // The server wrote exactly these message events to Socket.IO clients: this page's one.
  expect((await serverSocketIoMessages(api)) - sentBefore).toBe(MESSAGES);

  // On the network: nothing of the page left the link (its Socket.IO chunk included), and every
  // Engine.IO request and the WebSocket went to /link/<name>/socket.io/.
  expect(traffic.all.filter((u) => !u.pathname.startsWith(`${base}/`)).map((u) => u.href)).toEqual([]);
  const enginePath = `${base}${SOCKET_IO_PATH}`;
  expect(traffic.http.length, "Engine.IO's long-polling requests").toBeGreaterThan(0);
  expect(traffic.http.map((u) => u.pathname).filter((p) => p !== enginePath)).toEqual([]);
  expect(traffic.http.some((u) => u.searchParams.get("transport") === "polling")).toBe(true);
  const sockets = [...traffic.sockets.values()];
  expect(sockets.map((s) => s.url.pathname)).toEqual([enginePath]);
  const [socket] = sockets;
  expect(socket?.url.searchParams.get("transport")).toBe("websocket");
  expect(socket?.url.searchParams.get("sid")).toBeTruthy();
  expect(socket?.status, "the upgrade's handshake").toBe(101);
  // The probe, then every message as a frame of that WebSocket: 1..N, in order, none twice.
  expect(socket?.sent.slice(0, 2)).toEqual(["2probe", "5"]);
  expect(messageSeqs(socket?.received ?? [])).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));

  // The latency carries the link: one way is half the round trip plus the frame's serialization.
  const linked = await exportedLane(page);
  expect(linked?.metrics.messages).toBe(MESSAGES);
  expect(linked?.check).toMatchObject({ delivered: MESSAGES, skips: 0, repeats: 0 });
  const frames = (socket?.received ?? []).filter((f) => f.startsWith('42["message",'));
  const frameBytes = Math.max(...frames.map((f) => Buffer.byteLength(f)));
  const oneWay = link.rttMs / 2 + (link.downKbps === null ? 0 : (frameBytes * 8) / link.downKbps);
  const here = loopback?.metrics.latency.p50 ?? Number.NaN;
  const there = linked?.metrics.latency.p50 ?? Number.NaN;
  console.log(
    `Socket.IO p50: loopback ${here.toFixed(2)} ms, ${LINK} ${there.toFixed(2)} ms (one way ${oneWay} ms)`,
  );
  expect(there - here, "the link's one-way delay, added").toBeGreaterThan(0.8 * oneWay - link.jitterMs);
  expect(there - here).toBeLessThan(1.2 * oneWay + link.jitterMs + 10);
});
