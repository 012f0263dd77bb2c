import { describe, expect, it } from "vitest";
import { eventually, withServer } from "./helpers.ts";

describe("WebSocket limits", () => {
  it("a peer that sends pings and never reads is closed once its replies pass MAX_BUFFERED_BYTES", async () => {
    await withServer({ rateLimit: 0, maxBufferedBytes: 256 * 1024 }, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      ws.socket.pause(); // stops reading: the kernel buffers fill, then the server's
      const ping = JSON.stringify({ type: "ping", ref: "r".repeat(128) });
      let sent = 0;
      // Enough pongs (~180 B each) to fill both kernels' buffers many times over, in bounded steps.
      for (let round = 0; round < 200 && ws.socket.readyState === 1; round++) {
        for (let i = 0; i < 1000; i++) ws.socket.send(ping);
        sent += 1000;
        await new Promise((r) => setTimeout(r, 5));
        if ((await h.metrics()).transports.ws.connections === 0) break;
      }
      await eventually(async () => expect((await h.metrics()).transports.ws.connections).toBe(0), 5000);
      const m = await h.metrics();
      expect(m.transports.ws.errors).toBeGreaterThanOrEqual(1);
      console.log(`non-reading pinger cut after ${sent} pings`);
      ws.socket.resume();
      const { code } = await ws.closed;
      // 1013 when the close frame got through, 1006 when the socket was destroyed first.
      expect([1013, 1006]).toContain(code);
    });
  });

  it("the frame limit follows the body limit: a frame over it closes with 1009 before any parsing", async () => {
    await withServer({ maxBodyBytes: 4096 }, async (h) => {
      const ok = await h.ws("chat");
      await ok.next();
      // `data` of exactly the body limit, with the frame's own keys around it, fits.
      ok.send({ type: "publish", ref: "r".repeat(128), data: "d".repeat(4094) });
      const frames = [await ok.next(), await ok.next()];
      expect(frames.map((f) => f.type).sort()).toEqual(["ack", "message"]);
      const big = await h.ws("chat");
      await big.next();
      big.send({ type: "publish", data: "d".repeat(4096 + 1024) });
      expect((await big.closed).code).toBe(1009);
    });
    await withServer({}, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      ws.send({ type: "publish", data: "d".repeat(70 * 1024) }); // was under the old 1 MiB frame limit
      expect((await ws.closed).code).toBe(1009);
    });
  });

  it("a client over the rate limit gets rate_limited for every frame, without the frame being parsed", async () => {
    await withServer({ rateLimit: 0.1, rateBurst: 1 }, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      ws.send("not json at all"); // takes the only token: parsed, bad_json
      expect(await ws.next()).toMatchObject({ type: "error", code: "bad_json" });
      for (let i = 0; i < 20; i++) ws.send(`{"type":"publish","data":${"[".repeat(5000)}`);
      const replies = await Promise.all(Array.from({ length: 20 }, () => ws.next()));
      expect(new Set(replies.map((r) => (r as { code?: string }).code))).toEqual(new Set(["rate_limited"]));
      expect((await h.metrics()).publishes.rateLimited).toBe(20);
    });
  });
});
