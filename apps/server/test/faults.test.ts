import net from "node:net";
import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { startCuttingProxy } from "./cutting-proxy.ts";
import { heldMemory } from "./held-memory.ts";
import { eventually, JSON_HEADERS, range, request, sleep, withServer } from "./helpers.ts";
import { openResumingClient } from "./resuming-clients.ts";

const MIB = 2 ** 20;

describe("faults", () => {
  it("subscribers on all four transports reset mid-frame while publishing get every message once, in order", {
    timeout: 60_000,
  }, async () => {
    await withServer({ rateLimit: 0, historySize: 5000 }, async (h) => {
      const proxy = await startCuttingProxy(h.server.port, 9);
      h.defer(() => proxy.close());
      const base = `http://127.0.0.1:${proxy.port}`;
      const clients = TRANSPORT_NAMES.flatMap((t) => [0, 1].map(() => openResumingClient(t, base, "faults")));
      h.defer(() => {
        for (const c of clients) c.close();
      });
      await sleep(200);
      const N = 1500;
      const pad = "p".repeat(300); // several frames per TCP chunk, and frames split across chunks
      let published = 0;
      const publisher = (async () => {
        for (let i = 1; i <= N; i++) {
          const res = await request(h.channelUrl("faults", "messages"), {
            method: "POST",
            headers: JSON_HEADERS,
            body: JSON.stringify({ data: { i, pad } }),
          });
          expect(res.status).toBe(201);
          published = i;
          if (i % 20 === 0) await sleep(2);
        }
      })();
      // Reset every connection at a random point of its next chunk, over and over while publishing.
      while (published < N) {
        proxy.cutAll();
        await sleep(25);
      }
      await publisher;
      await eventually(() => {
        for (const c of clients) expect(c.seqs.length, c.transport).toBeGreaterThanOrEqual(N);
      }, 20_000);
      await sleep(100);
      for (const c of clients)
        expect({ transport: c.transport, seqs: c.seqs }).toEqual({
          transport: c.transport,
          seqs: range(1, N),
        });
      const failures = Object.fromEntries(
        TRANSPORT_NAMES.map((t) => [
          t,
          clients.filter((c) => c.transport === t).reduce((n, c) => n + c.failures, 0),
        ]),
      );
      console.log(
        `faults: ${proxy.stats.cuts} resets (${proxy.stats.midFrame} mid-frame), failures per transport ${JSON.stringify(failures)}`,
      );
      expect(proxy.stats.midFrame).toBeGreaterThan(50);
      for (const t of ["ws", "sse", "longPoll"] as const) expect(failures[t]).toBeGreaterThan(5);
    });
  });

  it("a WebSocket and an SSE peer that never read are cut, and the memory they pinned returns", {
    timeout: 60_000,
  }, async () => {
    await withServer({ rateLimit: 0, maxBufferedBytes: MIB, maxChannelBytes: 2 * MIB }, async (h) => {
      const payload = "m".repeat(16 * 1024);
      const publish = async (n: number) => {
        for (let i = 0; i < n; i++) {
          await request(h.channelUrl("slow", "messages"), {
            method: "POST",
            headers: JSON_HEADERS,
            body: JSON.stringify({ data: payload }),
          });
        }
      };
      await publish(140); // fills the channel's 2 MiB: later messages are new memory, not retained ones
      const baseline = heldMemory();
      // Neither reads: the WebSocket is paused, the SSE peer a raw socket that only sends its request.
      const ws = await h.ws("slow");
      ws.socket.pause();
      const sse = net.connect(h.server.port, "127.0.0.1");
      sse.write("GET /api/channels/slow/sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      sse.pause();
      h.defer(() => sse.destroy());
      await eventually(async () =>
        expect((await h.info("slow")).subscribers).toMatchObject({ ws: 1, sse: 1 }),
      );
      let rounds = 0;
      while (
        rounds < 40 &&
        (await h.info("slow")).subscribers.ws + (await h.info("slow")).subscribers.sse > 0
      ) {
        await publish(50);
        rounds += 1;
      }
      await eventually(
        async () => expect((await h.info("slow")).subscribers).toEqual({ ws: 0, sse: 0, longPoll: 0 }),
        5000,
      );
      const m = await h.metrics();
      expect(m.transports.ws.errors).toBeGreaterThanOrEqual(1);
      expect(m.transports.sse.errors).toBeGreaterThanOrEqual(1);
      await sleep(2500); // the cut WebSocket's close grace
      const after = heldMemory();
      console.log(
        `non-reading peers cut after ${rounds * 50} messages of 16 KiB; held memory ${(baseline / MIB).toFixed(1)} → ${(after / MIB).toFixed(1)} MiB`,
      );
      // What the two pinned is back: within a few MiB of where it started (the log holds its 2 MiB all along).
      expect(after - baseline).toBeLessThan(8 * MIB);
      ws.socket.resume();
      expect([1006, 1013]).toContain((await ws.closed).code);
    });
  });
});
