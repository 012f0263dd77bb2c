import { describe, expect, it } from "vitest";
import { heldMemory } from "./held-memory.ts";
import { eventually, type Harness, JSON_HEADERS, request, sleep, withServer } from "./helpers.ts";
import { RawHttp, upgradeRequest } from "./raw-http.ts";

// faults.test.ts cuts a direct non-reading WebSocket and SSE peer; these are the same peers through
// each kind of link, where the bytes the link has taken must still count against the reader.

const MIB = 2 ** 20;
const LIMITS = { rateLimit: 0, maxBufferedBytes: MIB, maxChannelBytes: 2 * MIB };
const PAYLOAD = "m".repeat(16 * 1024);

async function publish(h: Harness, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await request(h.channelUrl("slow", "messages"), {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ data: PAYLOAD }),
    });
    expect(res.status).toBe(201);
  }
}

const subscribers = async (h: Harness) => {
  const { ws, sse } = (await h.info("slow")).subscribers;
  return ws + sse;
};

/** Raw peers that send their request (after `prelude`, read in full) and then never read again. */
async function nonReader(h: Harness, request: string, prelude?: string): Promise<RawHttp> {
  const raw = await RawHttp.open(h.server.port);
  h.defer(() => raw.close());
  if (prelude !== undefined) expect((await raw.get(prelude)).status).toBe(200);
  raw.write(request);
  raw.socket.pause();
  return raw;
}

const sseRequest = (prefix: string) =>
  `GET ${prefix}/api/channels/slow/sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

/**
 * Opens the peers, publishes 16 KiB messages until the server has cut every one of them (at most
 * 5,000 of them, 80 MiB, in all: a paused loopback reader's kernel buffers take up to ~36 MiB
 * before the server sees any back-pressure, and took 23–31 MiB in runs here), and checks that the
 * memory they pinned is back.
 */
async function expectCutAndReleased(h: Harness, open: () => Promise<RawHttp[]>): Promise<void> {
  await publish(h, 140); // fills the channel's 2 MiB: later messages are new memory, not retained ones
  const baseline = heldMemory();
  const peers = await open();
  await eventually(async () => expect(await subscribers(h)).toBe(peers.length));
  let rounds = 0;
  while (rounds < 100 && (await subscribers(h)) > 0) {
    await publish(h, 50);
    rounds += 1;
  }
  await eventually(async () => expect(await subscribers(h)).toBe(0), 5000);
  await sleep(2500); // a cut WebSocket's close grace
  const after = heldMemory();
  console.log(
    `${expect.getState().currentTestName}: cut after ${rounds * 50} messages; held memory ${(baseline / MIB).toFixed(1)} → ${(after / MIB).toFixed(1)} MiB`,
  );
  expect(rounds).toBeLessThan(100);
  expect(after - baseline).toBeLessThan(8 * MIB);
}

describe("a peer that never reads, through a link, is cut like a direct one and its memory returns", () => {
  for (const link of ["idle-timeout", "lan"]) {
    it(`WebSocket and SSE through ${link}`, { timeout: 60_000 }, async () => {
      await withServer(LIMITS, async (h) => {
        await expectCutAndReleased(h, async () => [
          await nonReader(h, upgradeRequest(`/link/${link}/api/channels/slow/ws`)),
          await nonReader(h, sseRequest(`/link/${link}`)),
        ]);
        const m = await h.metrics();
        expect(m.transports.ws.errors).toBeGreaterThanOrEqual(1);
        expect(m.transports.sse.errors).toBeGreaterThanOrEqual(1);
      });
    });
  }

  for (const link of ["buffering-proxy", "ws-dropped"]) {
    it(`SSE through ${link}`, { timeout: 60_000 }, async () => {
      await withServer(LIMITS, async (h) => {
        await expectCutAndReleased(h, async () => [await nonReader(h, sseRequest(`/link/${link}`))]);
        expect((await h.metrics()).transports.sse.errors).toBeGreaterThanOrEqual(1);
      });
    });
  }

  it("plain SSE and WebSocket on kept-alive connections that carried a link request first", {
    timeout: 60_000,
  }, async () => {
    await withServer(LIMITS, async (h) => {
      await expectCutAndReleased(h, async () => [
        await nonReader(h, sseRequest(""), "/link/idle-timeout/api/time"),
        await nonReader(h, sseRequest(""), "/link/lan/api/time"),
        await nonReader(h, upgradeRequest("/api/channels/slow/ws"), "/link/buffering-proxy/api/time"),
      ]);
    });
  });
});
