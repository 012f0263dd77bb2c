import { describe, expect, it } from "vitest";
import { startServer } from "../src/index.ts";
import { eventually, type Harness, JSON_HEADERS, request, withServer } from "./helpers.ts";
import { RawHttp, upgradeRequest } from "./raw-http.ts";

// A connection the server cuts (a slow reader, a terminated socket, the shutdown's hard deadline)
// must close at once through a link too, dropping what the link has not sent yet: over 3g
// (62.5 kB/s) a queue of 1 MiB would otherwise hold the socket, its limits and `server.close()` for
// about 17 s. What is already on the wire still arrives first, within the link's one-way delay.

const MIB = 2 ** 20;
const PAYLOAD = "m".repeat(16 * 1024);
/** 3g's downlink: 500 kbit/s. */
const BYTES_PER_S = 62_500;

async function publish(url: string, n: number): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify({ data: PAYLOAD });
    const res = await request(`${url}/api/channels/cut/messages`, {
      method: "POST",
      headers: JSON_HEADERS,
      body,
    });
    expect(res.status).toBe(201);
    bytes += body.length;
  }
  return bytes;
}

/** A raw client that reads everything (so only the link is slow) and never answers a ping. */
async function reader(port: number, request: string): Promise<{ raw: RawHttp; received: () => number }> {
  const raw = await RawHttp.open(port);
  let received = 0;
  raw.socket.on("data", (d: Buffer) => {
    received += d.length;
  });
  raw.write(request);
  await raw.chunks.next(5000, "the answer's head");
  return { raw, received: () => received };
}

const held = async (h: Harness) => {
  const { ws, sse } = (await h.info("cut")).subscribers;
  return ws + sse;
};

describe("a cut through a link drops what the link still queues", () => {
  for (const transport of ["ws", "sse"] as const) {
    it(`a ${transport} reader too slow for 3g closes within a second of its cut, not after the queue`, {
      timeout: 40_000,
    }, async () => {
      await withServer({ rateLimit: 0, maxBufferedBytes: MIB, maxChannelBytes: 8 * MIB }, async (h) => {
        const path = `/link/3g/api/channels/cut/${transport}`;
        const { raw, received } = await reader(
          h.server.port,
          transport === "ws" ? upgradeRequest(path) : `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`,
        );
        h.defer(() => raw.close());
        const published = await publish(h.url, 160); // 2.6 MB: past the 1 MiB limit within ~1 s
        const cutBy = performance.now();
        // The WebSocket gets its 1013 close and 2 s to read it, then it is terminated.
        const grace = transport === "ws" ? 2000 : 0;
        const closedAt = await raw.ended;
        expect(closedAt - cutBy).toBeLessThan(grace + 2500);
        await eventually(async () => expect(await held(h)).toBe(0), 1000);
        // Draining what was queued would have taken over 16 s; the client got a fraction of it.
        const elapsedS = (closedAt - cutBy) / 1000 + 2;
        expect(received()).toBeLessThan(published / 2);
        expect(received()).toBeLessThan(BYTES_PER_S * elapsedS * 1.5);
      });
    });
  }

  it("server.close() keeps its hard deadline with a megabyte queued on a 3g WebSocket", {
    timeout: 40_000,
  }, async () => {
    const server = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0, maxChannelBytes: 8 * MIB });
    let client: RawHttp | undefined;
    try {
      // 1 MiB, under the 8 MiB limit: nothing cuts it but the shutdown. Replayed from `earliest`,
      // it is written at once, so the link holds it all.
      await publish(server.url, 64);
      const opened = await reader(
        server.port,
        upgradeRequest("/link/3g/api/channels/cut/ws?cursor=earliest"),
      );
      client = opened.raw;
      const t0 = performance.now();
      await server.close(300);
      const took = performance.now() - t0;
      console.log(`server.close(300) with 1 MiB queued on 3g: ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(3000);
      await client.ended;
      expect(opened.received()).toBeLessThan(MIB / 2);
    } finally {
      client?.close();
      await server.close(100);
    }
  });
});
