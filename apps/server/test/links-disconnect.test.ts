import { describe, expect, it } from "vitest";
import { openWs } from "./clients.ts";
import { eventually, type Harness, JSON_HEADERS, request, withServer } from "./helpers.ts";
import { RawHttp } from "./raw-http.ts";

// The disconnect endpoint imitates a network failure, and must act as promptly through a slow link
// as without one. Its graceful ends (a WebSocket's 1012 close frame, an SSE stream's last chunk)
// travel behind what the link still queues; over 3g (62.5 kB/s) a replayed megabyte would hold
// them for about 17 s. The link gets a second to send the end; then what it has not sent is
// dropped and the connection closes, as a failed network drops it.

const MIB = 2 ** 20;
const PAYLOAD = "m".repeat(16 * 1024);
/** What the link may take to send a graceful end before the rest is dropped, plus the link's delay and a busy machine's margin. */
const PROMPT_MS = 1000 + 200 + 1500;

async function fill(url: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await request(`${url}/api/channels/cut/messages`, {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ data: PAYLOAD }),
    });
    expect(res.status).toBe(201);
  }
}

const disconnect = async (h: Harness) => {
  const res = await request<{ disconnected: number }>(`${h.url}/api/channels/cut/disconnect`, {
    method: "POST",
  });
  expect(res.body).toEqual({ disconnected: 1 });
  return performance.now();
};

const held = async (h: Harness) => {
  const { ws, sse } = (await h.info("cut")).subscribers;
  return ws + sse;
};

const OPTIONS = { rateLimit: 0, maxChannelBytes: 8 * MIB } as const;

describe("the disconnect endpoint through a slow link", () => {
  it("a WebSocket with a megabyte queued on 3g closes within a second or two, not after the queue", {
    timeout: 40_000,
  }, async () => {
    await withServer(OPTIONS, async (h) => {
      await fill(h.url, 64); // 1 MiB, replayed from `earliest`: the link holds it all at once
      const ws = await openWs(`${h.url.replace(/^http/, "ws")}/link/3g/api/channels/cut/ws?cursor=earliest`);
      h.defer(() => ws.socket.terminate());
      let received = 0;
      ws.socket.on("message", (data: Buffer) => {
        received += data.length;
      });
      const cutAt = await disconnect(h);
      await ws.closed;
      const took = performance.now() - cutAt;
      console.log(`disconnect of a 3g WebSocket with 1 MiB queued: closed after ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(PROMPT_MS);
      // The dropped part never arrives; what did is at most what 3g carries in that time.
      expect(received).toBeLessThan(MIB / 2);
      await eventually(async () => expect(await held(h)).toBe(0), 1000);
    });
  });

  it("an SSE stream with a megabyte queued on 3g ends within a second or two, not after the queue", {
    timeout: 40_000,
  }, async () => {
    await withServer(OPTIONS, async (h) => {
      await fill(h.url, 64);
      const raw = await RawHttp.open(h.server.port);
      h.defer(() => raw.close());
      let tail = "";
      let received = 0;
      // Either the chunked stream's last chunk (the graceful end) or the connection's close.
      const ended = new Promise<number>((resolve) => {
        raw.socket.on("data", (d: Buffer) => {
          received += d.length;
          tail = (tail + d.toString("latin1")).slice(-16);
          if (tail.endsWith("\r\n0\r\n\r\n")) resolve(performance.now());
        });
        void raw.ended.then(resolve);
      });
      raw.write("GET /link/3g/api/channels/cut/sse?cursor=earliest HTTP/1.1\r\nHost: x\r\n\r\n");
      await raw.chunks.next(5000, "the answer's head");
      const cutAt = await disconnect(h);
      const took = (await ended) - cutAt;
      console.log(`disconnect of a 3g SSE stream with 1 MiB queued: ended after ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(PROMPT_MS);
      expect(received).toBeLessThan(MIB / 2);
      await eventually(async () => expect(await held(h)).toBe(0), 1000);
    });
  });

  it("a later request on the kept-alive socket of a cut SSE stream is not cut with it", {
    timeout: 30_000,
  }, async () => {
    await withServer(OPTIONS, async (h) => {
      await fill(h.url, 8); // 128 KiB: about 2 s over 3g, longer than the cut's grace
      const raw = await RawHttp.open(h.server.port);
      h.defer(() => raw.close());
      raw.write("GET /link/3g/api/channels/cut/sse HTTP/1.1\r\nHost: x\r\n\r\n");
      await raw.readUntil((all) => all.includes("event: hello"), 5000);
      await disconnect(h);
      await raw.readUntil((all) => all.toString("latin1").endsWith("0\r\n\r\n"), 5000); // the stream's last chunk
      const answer = await raw.get("/link/3g/api/channels/cut/poll?cursor=earliest");
      expect(answer.status).toBe(200);
      expect((JSON.parse(answer.body.toString()) as { messages: unknown[] }).messages).toHaveLength(8);
      expect(answer.ms).toBeGreaterThan(1000); // it was still crossing the link when the grace ended
    });
  });

  for (const link of ["3g", "satellite"]) {
    it(`with nothing queued, a WebSocket on ${link} still gets its 1012 close frame promptly`, async () => {
      await withServer(OPTIONS, async (h) => {
        const ws = await openWs(`${h.url.replace(/^http/, "ws")}/link/${link}/api/channels/cut/ws`);
        h.defer(() => ws.socket.terminate());
        expect((await ws.next(5000)).type).toBe("hello");
        const cutAt = await disconnect(h);
        expect(await ws.closed).toEqual({ code: 1012, reason: "disconnect" });
        expect(performance.now() - cutAt).toBeLessThan(PROMPT_MS);
      });
    });
  }
});
