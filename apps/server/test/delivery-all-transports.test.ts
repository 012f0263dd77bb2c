import type { Envelope, PollResponse } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { type Harness, range, request, withServer } from "./helpers.ts";

import { seqs, tricky, viaCurl, viaEventSource, viaPolling, viaWs } from "./read-all-transports.ts";

describe("delivery on all four transports", () => {
  it("delivers N messages as exactly 1..N, in order, once, with byte-identical envelopes", async () => {
    await withServer({}, async (h) => {
      const N = 40;
      const ch = "fanout";
      const start = await h.poll(ch); // live cursor before anything is published
      expect(start).toEqual({ cursor: expect.stringMatching(/:0$/), messages: [] });
      const [wsP, curlP, esP] = [
        viaWs(h, ch, {}, N),
        viaCurl(h, ch, {}, N),
        viaEventSource(h, ch, {}, N),
      ] as const;
      // Every live subscriber must be attached before the first publish.
      await expect
        .poll(async () => (await h.info(ch)).subscribers, { timeout: 3000, interval: 10 })
        .toEqual({ ws: 1, sse: 2, longPoll: 0 });
      const longP = viaPolling(h, "long-poll", ch, { cursor: start.cursor }, N);
      const pollP = viaPolling(h, "poll", ch, { cursor: start.cursor }, N);

      const published = [];
      for (let i = 1; i <= N; i++) published.push(await h.publish(ch, tricky(i)));
      expect(published.map((p) => p.seq)).toEqual(range(1, N));
      const epoch = start.cursor.split(":")[0];
      expect(published.map((p) => p.cursor)).toEqual(range(1, N).map((s) => `${epoch}:${s}`));

      const [ws, curl, es, longPoll, poll] = await Promise.all([wsP, curlP, esP, longP, pollP]);
      const expected: Envelope[] = published.map((p, k) => ({
        channel: ch,
        seq: p.seq,
        time: p.time,
        data: tricky(k + 1),
      }));
      for (const [name, envelopes] of Object.entries({
        ws: ws.out.envelopes,
        curl: curl.out.envelopes,
        eventsource: es.out.envelopes,
        longPoll: longPoll.envelopes,
        poll: poll.envelopes,
      })) {
        expect(seqs(envelopes), name).toEqual(range(1, N));
        expect(envelopes, name).toEqual(expected);
      }
      // Byte for byte: the WS frame minus `"type":"message",` is the SSE data is the poll array element.
      expect(ws.out.raw).toEqual(curl.out.raw);
      expect(es.out.raw).toEqual(curl.out.raw);
      const pollText = poll.texts.join("");
      const longPollText = longPoll.texts.join("");
      for (const raw of curl.out.raw) {
        expect(pollText).toContain(raw);
        expect(longPollText).toContain(raw);
      }
      // Nothing more than N arrived (no duplicates trailing behind).
      await new Promise((r) => setTimeout(r, 50));
      expect(ws.ws.pending).toBe(0);
      expect(es.es.events.size).toBe(0);
      expect(curl.curl.events.drain().filter((e) => e.event !== "comment")).toEqual([]);
      expect((await h.poll(ch, { cursor: `${epoch}:${N}` })).messages).toEqual([]);
    });
  });

  it("starts with a hello carrying head and start cursor (WS frame, SSE event with retry and id)", async () => {
    await withServer({}, async (h) => {
      await h.publishMany("chat", 3);
      const { epoch, seq } = await h.info("chat");
      expect(seq).toBe(3);
      const ws = await h.ws("chat");
      const hello = await ws.next();
      expect(hello).toEqual({
        type: "hello",
        channel: "chat",
        epoch,
        seq: 3,
        cursor: `${epoch}:3`,
        time: expect.any(Number),
      });
      expect(Math.abs((hello as { time: number }).time - Date.now())).toBeLessThan(5000);

      const curl = h.curl("chat", { cursor: `${epoch}:1` });
      const first = await curl.events.next();
      expect(first.raw.startsWith(`retry: 1000\nid: ${epoch}:1\nevent: hello\ndata: {`)).toBe(true);
      expect(first.id).toBe(`${epoch}:1`);
      expect(first.retry).toBe(1000);
      expect(JSON.parse(first.data)).toEqual({ ...hello, cursor: `${epoch}:1`, time: expect.any(Number) });
      const messages = await curl.events.take(2);
      expect(messages.map((e) => [e.event, e.id])).toEqual([
        ["message", `${epoch}:2`],
        ["message", `${epoch}:3`],
      ]);
      expect(messages[0]?.raw).toBe(`id: ${epoch}:2\ndata: ${messages[0]?.data}`);
    });
  });

  it("resumes from a cursor on every transport with exactly the rest, then continues live", async () => {
    await withServer({}, async (h) => {
      await h.publishMany("chat", 10);
      const { epoch } = await h.info("chat");
      const c5 = `${epoch}:5`;
      const rest = range(6, 10);
      const [ws, curl, es, esHeader, curlHeader, curlBoth, esBoth] = await Promise.all([
        viaWs(h, "chat", { cursor: c5 }, 5),
        viaCurl(h, "chat", { cursor: c5 }, 5),
        viaEventSource(h, "chat", { cursor: c5 }, 5),
        viaEventSource(h, "chat", {}, 5, c5),
        viaCurl(h, "chat", {}, 5, { "Last-Event-ID": c5 }),
        // Both given: the header wins over ?cursor=.
        viaCurl(h, "chat", { cursor: `${epoch}:2` }, 5, { "Last-Event-ID": c5 }),
        viaEventSource(h, "chat", { cursor: `${epoch}:8` }, 5, c5),
      ]);
      for (const out of [ws.out, curl.out, es.out, esHeader.out, curlHeader.out, curlBoth.out, esBoth.out]) {
        expect(seqs(out.envelopes)).toEqual(rest);
        expect(out.control).toEqual([expect.objectContaining({ type: "hello", cursor: c5, seq: 10 })]);
      }
      const poll = await h.poll("chat", { cursor: c5 });
      expect(seqs(poll.messages)).toEqual(rest);
      expect(poll.cursor).toBe(`${epoch}:10`);
      expect(poll.reset).toBeUndefined();
      const t0 = performance.now();
      const longPoll = await request<PollResponse>(
        h.channelUrl("chat", "long-poll", { cursor: c5, timeout: "5000" }),
      );
      expect(performance.now() - t0).toBeLessThan(1000); // answered at once: data was waiting
      expect(seqs(longPoll.body.messages)).toEqual(rest);
      expect(longPoll.body.cursor).toBe(`${epoch}:10`);
      // From the head: nothing.
      expect(await h.poll("chat", { cursor: `${epoch}:10` })).toEqual({
        cursor: `${epoch}:10`,
        messages: [],
      });

      // Live continuation: 11 arrives once on each stream, nothing else is in between.
      await h.publish("chat", { i: 11 });
      expect(seqs(await ws.ws.messages(1))).toEqual([11]);
      expect(seqs(await es.es.messages(1))).toEqual([11]);
      expect(seqs(await esHeader.es.messages(1))).toEqual([11]);
      const next = await curl.curl.events.next();
      expect([next.event, next.id]).toEqual(["message", `${epoch}:11`]);
    });
  });

  it("`earliest` starts at the oldest retained message on every transport", async () => {
    await withServer({ historySize: 5 }, async (h) => {
      const empty = await h.poll("chat", { cursor: "earliest" });
      expect(empty.messages).toEqual([]);
      expect(empty.cursor).toMatch(/:0$/);
      await h.publishMany("chat", 12);
      const { epoch, oldestSeq, seq } = await h.info("chat");
      expect([oldestSeq, seq]).toEqual([8, 12]);
      const q = { cursor: "earliest" };
      const [ws, curl, es, lp, poll] = await Promise.all([
        viaWs(h, "chat", q, 5),
        viaCurl(h, "chat", q, 5),
        viaEventSource(h, "chat", q, 5),
        viaPolling(h, "long-poll", "chat", q, 5),
        viaPolling(h, "poll", "chat", q, 5),
      ]);
      for (const out of [ws.out, curl.out, es.out]) {
        expect(seqs(out.envelopes)).toEqual(range(8, 12));
        expect(out.control).toEqual([expect.objectContaining({ type: "hello", cursor: `${epoch}:7` })]);
      }
      for (const p of [lp, poll]) {
        expect(seqs(p.envelopes)).toEqual(range(8, 12));
        expect(p.answers[0]).not.toHaveProperty("reset");
        expect(p.answers[0]?.cursor).toBe(`${epoch}:12`);
      }
    });
  });
});

describe("resets", () => {
  /** Asserts a reset with `reason` then 8..12 on every transport, for a history of 5 after 12 publishes. */
  async function expectResetEverywhere(h: Harness, cursor: string, reason: "epoch" | "expired") {
    const { epoch } = await h.info("chat");
    const resetCursor = `${epoch}:7`;
    const q = { cursor };
    const [ws, curl, es, esHeader, lp, poll] = await Promise.all([
      viaWs(h, "chat", q, 5),
      viaCurl(h, "chat", q, 5),
      viaEventSource(h, "chat", q, 5),
      viaEventSource(h, "chat", {}, 5, cursor),
      viaPolling(h, "long-poll", "chat", q, 5),
      viaPolling(h, "poll", "chat", q, 5),
    ]);
    const hello = { type: "hello", channel: "chat", epoch, seq: 12, cursor: resetCursor };
    expect(ws.out.control).toEqual([
      { ...hello, time: expect.any(Number) },
      { type: "reset", reason, cursor: resetCursor },
    ]);
    for (const out of [curl.out, es.out, esHeader.out]) {
      expect(out.control).toEqual([
        { event: "hello", id: resetCursor, ...hello, time: expect.any(Number) },
        { event: "reset", id: resetCursor, reason, cursor: resetCursor },
      ]);
    }
    for (const out of [ws.out, curl.out, es.out, esHeader.out])
      expect(seqs(out.envelopes)).toEqual(range(8, 12));
    for (const p of [lp, poll]) {
      expect(p.answers[0]).toEqual({
        cursor: `${epoch}:12`,
        messages: p.envelopes,
        reset: { reason },
      });
      expect(seqs(p.envelopes)).toEqual(range(8, 12));
    }
    // The client now holds a current cursor: no second reset.
    expect(await h.poll("chat", { cursor: lp.answers[0]?.cursor ?? "" })).toEqual({
      cursor: `${epoch}:12`,
      messages: [],
    });
  }

  it("expired history (small historySize) resets with `expired`, then continues from the oldest retained", async () => {
    await withServer({ historySize: 5 }, async (h) => {
      await h.publishMany("chat", 12);
      const { epoch } = await h.info("chat");
      await expectResetEverywhere(h, `${epoch}:3`, "expired");
      await expectResetEverywhere(h, `${epoch}:6`, "expired");
      // 7 is just before the oldest retained (8): nothing was lost, so no reset.
      const exact = await h.poll("chat", { cursor: `${epoch}:7` });
      expect(exact.reset).toBeUndefined();
      expect(seqs(exact.messages)).toEqual(range(8, 12));
    });
  });

  it("a stale epoch resets with `epoch`, then continues from the oldest retained", async () => {
    await withServer({ historySize: 5 }, async (h) => {
      await h.publishMany("chat", 12);
      await expectResetEverywhere(h, "someOldEpoch:4", "epoch");
      // Even a seq beyond the head is fine in another epoch: it is that epoch's position.
      await expectResetEverywhere(h, "someOldEpoch:999", "epoch");
    });
  });

  it("a cursor from a previous server run resets with `epoch` to the new run's messages", async () => {
    const oldCursor = await withServer({}, async (h) => (await h.publishMany("chat", 3))[2]?.cursor);
    await withServer({}, async (h) => {
      await h.publishMany("chat", 2);
      const { epoch } = await h.info("chat");
      expect(oldCursor?.split(":")[0]).not.toBe(epoch);
      const poll = await h.poll("chat", { cursor: oldCursor ?? "" });
      expect(poll.reset).toEqual({ reason: "epoch" });
      expect(seqs(poll.messages)).toEqual([1, 2]);
      const ws = await h.ws("chat", { cursor: oldCursor ?? "" });
      expect(await ws.next()).toMatchObject({ type: "hello", cursor: `${epoch}:0`, seq: 2 });
      expect(await ws.next()).toEqual({ type: "reset", reason: "epoch", cursor: `${epoch}:0` });
      expect(seqs(await ws.messages(2))).toEqual([1, 2]);
    });
  });
});
