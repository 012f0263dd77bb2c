import type { PollResponse } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { eventually, post, range, request, sleep, withServer } from "./helpers.ts";

const KIB = 1024;

describe("retained bytes", () => {
  it("a channel keeps at most maxChannelBytes, oldest out first; a reader behind gets `expired`", async () => {
    await withServer({ rateLimit: 0, maxChannelBytes: 64 * KIB }, async (h) => {
      const payload = "x".repeat(8 * KIB);
      await h.publish("big", payload);
      const { epoch } = await h.info("big");
      for (let i = 2; i <= 20; i++) await h.publish("big", payload);
      const info = await h.info("big");
      expect(info.seq).toBe(20);
      // 7 envelopes of ~8.1 KiB fit in 64 KiB: 14..20.
      expect(info.oldestSeq).toBe(14);
      const m = await h.metrics();
      expect(m.retained?.bytes).toBeLessThanOrEqual(64 * KIB);
      expect(m.retained?.bytes).toBeGreaterThan(56 * KIB);
      expect(m.retained).toMatchObject({ maxChannelBytes: 64 * KIB, maxBytes: 64 * 1024 * KIB });
      const behind = await h.poll("big", { cursor: `${epoch}:1` });
      expect(behind.reset).toEqual({ reason: "expired" });
      expect(behind.messages.map((e) => e.seq)).toEqual(range(14, 20));
      const ws = await h.ws("big", { cursor: `${epoch}:1` });
      expect((await ws.next()).type).toBe("hello");
      expect(await ws.next()).toEqual({ type: "reset", reason: "expired", cursor: `${epoch}:13` });
      expect((await ws.messages(7)).map((e) => e.seq)).toEqual(range(14, 20));
    });
  });

  it("all channels together keep at most maxRetainedBytes: the largest channel gives way first", async () => {
    await withServer({ rateLimit: 0, maxChannelBytes: 64 * KIB, maxRetainedBytes: 96 * KIB }, async (h) => {
      const payload = "y".repeat(8 * KIB);
      await h.publish("quiet", payload);
      await h.publish("quiet", payload);
      for (let i = 0; i < 20; i++) await h.publish("flood", payload);
      const m = await h.metrics();
      expect(m.retained?.bytes).toBeLessThanOrEqual(96 * KIB);
      expect((await h.info("quiet")).oldestSeq).toBe(1); // untouched
      const flood = await h.info("flood");
      expect(flood.seq - flood.oldestSeq + 1).toBeLessThanOrEqual(10);
      expect(flood.oldestSeq).toBeGreaterThan(7);
    });
  });

  it("the server stays up and answers /healthz while a client publishes 64 KiB messages as fast as it can", async () => {
    const maxRetainedBytes = 8 * 1024 * KIB;
    await withServer(
      { rateLimit: 0, maxRetainedBytes, maxChannels: 200, maxChannelsPerAddress: 1000 },
      async (h) => {
        const data = "z".repeat(64 * KIB - 20);
        const body = JSON.stringify({ data });
        let published = 0;
        let refused = 0;
        let stop = false;
        // Four HTTP publishers and one WebSocket publisher, each spreading over fresh channels.
        const httpFlood = async (k: number) => {
          for (let i = 0; !stop && i < 5000; i++) {
            const res = await post(h.channelUrl(`flood-${k}-${i % 25}`, "messages"), body);
            if (res.status === 201) published += 1;
            else refused += 1;
          }
        };
        const ws = await h.ws("flood-ws");
        await ws.next();
        const frame = JSON.stringify({ type: "publish", data });
        const wsFlood = async () => {
          for (let i = 0; !stop && i < 20_000; i++) {
            if (ws.socket.bufferedAmount < 4 * 1024 * KIB) ws.send(frame);
            if (i % 8 === 0) await sleep(0);
          }
        };
        const health: number[] = [];
        const probe = async () => {
          while (!stop) {
            const t0 = performance.now();
            const res = await request(`${h.url}/healthz`, { signal: AbortSignal.timeout(5000) });
            expect(res.status).toBe(200);
            health.push(performance.now() - t0);
            await sleep(100);
          }
        };
        const floods = Promise.all([
          httpFlood(1),
          httpFlood(2),
          httpFlood(3),
          httpFlood(4),
          wsFlood(),
          probe(),
        ]);
        // At least 3 s and enough publishes to pass the budget many times over (more time on a busy machine).
        const started = performance.now();
        while (
          performance.now() - started < 3000 ||
          (published < 150 && performance.now() - started < 30_000)
        ) {
          await sleep(100);
        }
        stop = true;
        await floods;
        const m = await h.metrics();
        console.log(
          `flood: ${published} HTTP + ${m.publishes.ws} WS publishes of 64 KiB in ${((performance.now() - started) / 1000).toFixed(1)} s, ${refused} refused; ` +
            `healthz max ${Math.max(...health).toFixed(0)} ms over ${health.length} probes; ` +
            `retained ${(m.retained?.bytes ?? 0) / 2 ** 20} MiB, heap ${(m.process.heapUsed / 2 ** 20).toFixed(0)} MiB`,
        );
        expect(published).toBeGreaterThan(100);
        expect(refused).toBe(0);
        expect(health.length).toBeGreaterThan(5);
        expect(Math.max(...health)).toBeLessThan(3000);
        // The last publish of each channel is always kept, so the budget holds to within one message per channel.
        expect(m.retained?.bytes).toBeLessThanOrEqual(maxRetainedBytes + 101 * 65 * KIB);
        const channels = (
          await request<{ channels: { seq: number; oldestSeq: number }[] }>(`${h.url}/api/channels`)
        ).body.channels;
        const retainedMessages = channels.reduce((n, c) => n + c.seq - c.oldestSeq + 1, 0);
        expect(retainedMessages * 64 * KIB).toBeLessThan(maxRetainedBytes + channels.length * 65 * KIB);
      },
    );
  });
});

describe("poll answer size", () => {
  it("stops at maxPollBytes with more: true; following the cursor gets the rest, in order, once", async () => {
    await withServer({ rateLimit: 0, maxPollBytes: 4 * KIB }, async (h) => {
      for (let i = 1; i <= 10; i++) await h.publish("chat", { i, pad: "p".repeat(1000) });
      for (const endpoint of ["poll", "long-poll"]) {
        let cursor = "earliest";
        const seen: number[] = [];
        const answers: PollResponse[] = [];
        for (let n = 0; n < 10 && seen.length < 10; n++) {
          const res = await request<PollResponse>(h.channelUrl("chat", endpoint, { cursor, timeout: "100" }));
          expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(4 * KIB + 100);
          answers.push(res.body);
          seen.push(...res.body.messages.map((e) => e.seq));
          cursor = res.body.cursor;
        }
        expect(seen).toEqual(range(1, 10));
        // Three ~1 KiB envelopes fit in 4 KiB: answers of 3, 3, 3, 1; every one but the last says more.
        expect(answers.map((a) => [a.messages.length, a.more])).toEqual([
          [3, true],
          [3, true],
          [3, true],
          [1, undefined],
        ]);
      }
    });
  });

  it("a poll of `earliest` on a full channel is about 1 MiB by default, not the whole history", async () => {
    await withServer({ rateLimit: 0 }, async (h) => {
      const data = "q".repeat(60 * KIB);
      for (let i = 0; i < 40; i++) await h.publish("chat", data);
      const res = await request<PollResponse>(h.channelUrl("chat", "poll", { cursor: "earliest" }));
      expect(res.body.more).toBe(true);
      expect(res.body.messages).toHaveLength(17); // 17 × ~60 KiB ≤ 1 MiB < 18 ×
      expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(1024 * KIB + 100);
      await eventually(async () =>
        expect((await h.metrics()).transports.poll.bytesOut).toBe(Buffer.byteLength(res.text)),
      );
    });
  });
});
