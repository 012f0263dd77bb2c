import type { PollResponse } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { eventually, request, sleep, withServer } from "./helpers.ts";

describe("long-poll", () => {
  it("a held long-poll wakes within a few ms of a publish", async () => {
    await withServer({}, async (h) => {
      const { cursor } = await h.poll("chat");
      const before = (await h.metrics()).transports.longPoll;
      const held = request<PollResponse>(h.channelUrl("chat", "long-poll", { cursor, timeout: "10000" }));
      await eventually(async () => expect((await h.info("chat")).subscribers.longPoll).toBe(1));
      // The server runs in this process: its envelope `time` and our wall clock are the same clock.
      const wallNow = () => performance.timeOrigin + performance.now();
      let answeredAt = 0;
      const answered = held.then((res) => {
        answeredAt = wallNow();
        return res;
      });
      const publishedAt = wallNow();
      const pub = await h.publish("chat", { wake: true });
      const res = await answered;
      const wakeMs = answeredAt - pub.time;
      console.log(
        `long-poll wake-up: ${wakeMs.toFixed(1)} ms from sequencing to the answer at the client ` +
          `(${(answeredAt - publishedAt).toFixed(1)} ms from sending the publish)`,
      );
      expect(wakeMs).toBeGreaterThanOrEqual(0);
      expect(wakeMs).toBeLessThan(100);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        cursor: pub.cursor,
        messages: [{ channel: "chat", seq: 1, time: pub.time, data: { wake: true } }],
      });
      const after = (await h.metrics()).transports.longPoll;
      expect(after.messagesOut - before.messagesOut).toBe(1);
      expect(after.bytesOut - before.bytesOut).toBe(Buffer.byteLength(res.text));
      await eventually(async () => expect((await h.info("chat")).subscribers.longPoll).toBe(0));
    });
  });

  it("times out with no messages and the same cursor", async () => {
    await withServer({}, async (h) => {
      await h.publishMany("chat", 2);
      const { cursor } = await h.poll("chat");
      const t0 = performance.now();
      const res = await request<PollResponse>(h.channelUrl("chat", "long-poll", { cursor, timeout: "250" }));
      const took = performance.now() - t0;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cursor, messages: [] });
      expect(took).toBeGreaterThanOrEqual(240);
      expect(took).toBeLessThan(1500);
      // A live long-poll (no cursor) also holds, then answers the head.
      const live = await request<PollResponse>(h.channelUrl("chat", "long-poll", { timeout: "50" }));
      expect(live.body).toEqual({ cursor, messages: [] });
    });
  });

  it("several waiters on one channel all wake with the same message, and other channels stay held", async () => {
    await withServer({}, async (h) => {
      const { cursor } = await h.poll("chat");
      const other = await h.poll("other");
      const waiters = [1, 2, 3].map(() =>
        request<PollResponse>(h.channelUrl("chat", "long-poll", { cursor, timeout: "5000" })),
      );
      const otherWaiter = request<PollResponse>(
        h.channelUrl("other", "long-poll", { cursor: other.cursor, timeout: "400" }),
      );
      await eventually(async () => expect((await h.info("chat")).subscribers.longPoll).toBe(3));
      const pub = await h.publish("chat", "hi");
      for (const res of await Promise.all(waiters)) {
        expect(res.body).toEqual({
          cursor: pub.cursor,
          messages: [{ channel: "chat", seq: 1, time: pub.time, data: "hi" }],
        });
      }
      expect((await otherWaiter).body).toEqual({ cursor: other.cursor, messages: [] });
    });
  });

  it("an aborted long-poll is removed at once (subscriber and connection counts return to 0)", async () => {
    await withServer({}, async (h) => {
      const { cursor } = await h.poll("chat");
      const abort = new AbortController();
      const held = fetch(h.channelUrl("chat", "long-poll", { cursor, timeout: "20000" }), {
        signal: abort.signal,
      });
      await eventually(async () => {
        expect((await h.info("chat")).subscribers.longPoll).toBe(1);
        expect((await h.metrics()).transports.longPoll.connections).toBe(1);
      });
      abort.abort();
      await expect(held).rejects.toThrow();
      await eventually(async () => {
        expect((await h.info("chat")).subscribers.longPoll).toBe(0);
        expect((await h.metrics()).transports.longPoll.connections).toBe(0);
      }, 1000);
      // The log still works and nothing was consumed by the dead waiter.
      await h.publish("chat", 1);
      expect((await h.poll("chat", { cursor })).messages.map((m) => m.seq)).toEqual([1]);
      await sleep(10);
    });
  });
});
