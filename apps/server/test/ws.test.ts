import { describe, expect, it } from "vitest";
import { eventually, range, sleep, withServer } from "./helpers.ts";

describe("WebSocket connection rules", () => {
  it("a frame over maxFrameBytes closes with 1009; one at the limit is accepted", async () => {
    await withServer({ maxFrameBytes: 1024 }, async (h) => {
      const ok = await h.ws("chat");
      await ok.next();
      const atLimit = `{"type":"publish","data":"${"a".repeat(1024 - 28)}"}`;
      expect(atLimit.length).toBe(1024);
      ok.send(atLimit);
      expect((await ok.next()).type).toBe("message");
      expect((await ok.next()).type).toBe("ack");

      const big = await h.ws("chat");
      await big.next();
      big.send(`{"type":"publish","data":"${"b".repeat(2000)}"}`);
      expect((await big.closed).code).toBe(1009);
      expect((await h.info("chat")).seq).toBe(1);
      expect(ok.socket.readyState).toBe(1);
      await eventually(async () => expect((await h.info("chat")).subscribers.ws).toBe(1));
    });
  });

  it("a too-slow reader is closed with 1013 after a gapless prefix (maxBufferedBytes)", async () => {
    await withServer({ maxBufferedBytes: 64 * 1024, maxBodyBytes: 1024 * 1024, rateLimit: 0 }, async (h) => {
      const slow = await h.ws("chat");
      await slow.next(); // hello
      slow.socket.pause(); // stop reading: the kernel buffers fill, then the server's send buffer
      const payload = "p".repeat(512 * 1024);
      let published = 0;
      while (published < 200) {
        await h.publish("chat", payload);
        published += 1;
        if ((await h.metrics()).transports.ws.errors > 0) break;
      }
      expect((await h.metrics()).transports.ws.errors).toBe(1);
      console.log(`slow reader cut after ${published} messages of 512 KiB`);
      slow.socket.resume();
      const { code } = await slow.closed;
      expect(code).toBe(1013);
      const got: number[] = [];
      for (;;) {
        try {
          got.push(JSON.parse(await slow.nextRaw(100)).seq);
        } catch {
          break;
        }
      }
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThan(published);
      expect(got).toEqual(range(1, got.length));
      await eventually(async () => expect((await h.info("chat")).subscribers.ws).toBe(0));
    });
  });

  it("the heartbeat terminates a peer that does not answer pings, and keeps one that does", async () => {
    await withServer({ heartbeatMs: 100 }, async (h) => {
      const healthy = await h.ws("chat");
      const t0 = performance.now();
      const dead = await h.ws("chat", {}, { autoPong: false });
      let pings = 0;
      dead.socket.on("ping", () => {
        pings += 1;
      });
      const { code } = await dead.closed;
      const took = performance.now() - t0;
      expect(code).toBe(1006); // terminated: no close frame
      expect(pings).toBeGreaterThanOrEqual(1);
      expect(took).toBeGreaterThanOrEqual(100);
      expect(took).toBeLessThan(1000);
      await sleep(250);
      expect(healthy.socket.readyState).toBe(1);
      await eventually(async () => expect((await h.info("chat")).subscribers.ws).toBe(1));
      healthy.send({ type: "ping", ref: 1 });
      expect(await healthy.next()).toMatchObject({ type: "hello" });
      expect(await healthy.next()).toMatchObject({ type: "pong", ref: 1 });
    });
  });

  it("client-to-server pings answer pongs with the server clock, in order of refs", async () => {
    await withServer({}, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      for (const ref of range(1, 20)) ws.send({ type: "ping", ref });
      const pongs = await Promise.all(range(1, 20).map(() => ws.next()));
      expect(pongs.map((p) => (p as { ref: number }).ref)).toEqual(range(1, 20));
      for (const p of pongs) expect(Math.abs((p as { time: number }).time - Date.now())).toBeLessThan(5000);
    });
  });
});

describe("WebSocket publish during the history replay", () => {
  it("a publish sent right at open is acked and delivered once, after the replayed history", async () => {
    await withServer({ rateLimit: 0 }, async (h) => {
      await h.publishMany("chat", 100);
      const ws = await h.ws("chat", { cursor: "earliest" });
      ws.send({ type: "publish", data: "mine", ref: "m" });
      expect((await ws.next()).type).toBe("hello");
      const frames = [];
      for (let i = 0; i < 102; i++) frames.push(await ws.next());
      const messages = frames.filter((f) => f.type === "message");
      expect(messages.map((m) => (m as { seq: number }).seq)).toEqual(range(1, 101));
      expect(frames.filter((f) => f.type === "ack")).toEqual([
        { type: "ack", ref: "m", seq: 101, cursor: expect.stringMatching(/:101$/) },
      ]);
      await sleep(30);
      expect(ws.pending).toBe(0);
    });
  });
});
