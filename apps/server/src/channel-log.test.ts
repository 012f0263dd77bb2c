import { describe, expect, it } from "vitest";
import { createMemoryChannelLog, newEpoch, wallClock } from "./channel-log.ts";
import type { LogEntry } from "./log-entry.ts";

const seqs = (entries: LogEntry[]) => entries.map((e) => e.seq);

describe("createMemoryChannelLog", () => {
  it("starts empty with seq 0 and oldestSeq 1", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 3, epoch: "E" });
    expect(log.state()).toEqual({ epoch: "E", seq: 0, oldestSeq: 1, bytes: 0 });
    expect(await log.readAfter(0, 10)).toEqual([]);
  });

  it("assigns gapless seqs from 1 and keeps the last historySize entries", async () => {
    let t = 1000;
    const log = createMemoryChannelLog({ channel: "c", historySize: 3, epoch: "E", now: () => t++ });
    const entries = [];
    for (let i = 1; i <= 7; i++) entries.push(await log.append(JSON.stringify({ i })));
    expect(seqs(entries)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(entries.map((e) => e.time)).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006]);
    const kept = entries.slice(4).reduce((sum, e) => sum + e.size, 0);
    expect(log.state()).toEqual({ epoch: "E", seq: 7, oldestSeq: 5, bytes: kept });
    expect(seqs(await log.readAfter(0, 100))).toEqual([5, 6, 7]);
    expect(seqs(await log.readAfter(5, 100))).toEqual([6, 7]);
    expect(seqs(await log.readAfter(4, 2))).toEqual([5, 6]);
    expect(seqs(await log.readAfter(7, 100))).toEqual([]);
    expect((await log.readAfter(6, 1))[0]?.json).toBe('{"channel":"c","seq":7,"time":1006,"data":{"i":7}}');
  });

  it("notifies subscribers in order before append resolves; unsubscribe stops it", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 10 });
    const seen: number[] = [];
    const subscriber = { receive: (e: LogEntry) => seen.push(e.seq) };
    log.subscribe(subscriber);
    const p = log.append("1");
    expect(seen).toEqual([1]);
    await p;
    await log.append("2");
    log.unsubscribe(subscriber);
    await log.append("3");
    expect(seen).toEqual([1, 2]);
  });

  it("one throwing subscriber does not stop the others", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 10 });
    const seen: number[] = [];
    const error = console.error;
    console.error = () => {};
    try {
      log.subscribe({
        receive() {
          throw new Error("boom");
        },
      });
      log.subscribe({ receive: (e) => seen.push(e.seq) });
      await log.append("1");
      await log.append("2");
    } finally {
      console.error = error;
    }
    expect(seen).toEqual([1, 2]);
    expect(log.state().seq).toBe(2);
  });

  it("a history of 1 keeps only the head", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 1, epoch: "E" });
    for (let i = 0; i < 5; i++) await log.append(String(i));
    expect(log.state()).toMatchObject({ epoch: "E", seq: 5, oldestSeq: 5 });
    expect(seqs(await log.readAfter(0, 10))).toEqual([5]);
  });

  it("evicts the oldest entries by bytes on every append, always keeping the newest", async () => {
    // Each envelope `{"channel":"c","seq":N,"time":1,"data":"xxxxxxxx"}` is 50 bytes for N < 10.
    const log = createMemoryChannelLog({ channel: "c", historySize: 100, maxBytes: 120, now: () => 1 });
    const sizes = [];
    for (let i = 1; i <= 5; i++) sizes.push((await log.append(`"${"x".repeat(8)}"`)).size);
    expect(sizes).toEqual([50, 50, 50, 50, 50]);
    expect(log.state()).toMatchObject({ seq: 5, oldestSeq: 4, bytes: 100 });
    expect(seqs(await log.readAfter(0, 100))).toEqual([4, 5]);
    // One entry above the whole budget replaces everything and stays.
    const big = await log.append(`"${"y".repeat(500)}"`);
    expect(log.state()).toMatchObject({ seq: 6, oldestSeq: 6, bytes: big.size });
    expect(seqs(await log.readAfter(0, 100))).toEqual([6]);
  });

  it("readAfter stops at maxBytes but always returns the first entry; trim frees the oldest", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 100, now: () => 1 });
    for (let i = 1; i <= 6; i++) await log.append(`"${"x".repeat(8)}"`);
    expect(seqs(await log.readAfter(0, 100, 100))).toEqual([1, 2]);
    expect(seqs(await log.readAfter(0, 100, 149))).toEqual([1, 2]);
    expect(seqs(await log.readAfter(0, 100, 150))).toEqual([1, 2, 3]);
    expect(seqs(await log.readAfter(3, 100, 1))).toEqual([4]);
    expect(seqs(await log.readAfter(0, 2, 1000))).toEqual([1, 2]);
    expect(await log.trim(120)).toBe(200);
    expect(log.state()).toMatchObject({ seq: 6, oldestSeq: 5, bytes: 100 });
    expect(await log.trim(0)).toBe(50);
    expect(log.state()).toMatchObject({ seq: 6, oldestSeq: 6, bytes: 50 });
    expect(await log.trim(0)).toBe(0);
    // Count eviction after byte eviction keeps the two in step.
    const small = createMemoryChannelLog({ channel: "c", historySize: 2, maxBytes: 1000, now: () => 1 });
    for (let i = 1; i <= 5; i++) await small.append(`"${"x".repeat(8)}"`);
    expect(small.state()).toMatchObject({ seq: 5, oldestSeq: 4, bytes: 100 });
  });

  it("epochs are fresh URL-safe strings; the wall clock is ms since 1970 at µs resolution", () => {
    const a = newEpoch();
    expect(a).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(newEpoch()).not.toBe(a);
    const now = wallClock();
    expect(Math.abs(now - Date.now())).toBeLessThan(1000);
    expect(Math.round(now * 1000)).toBe(now * 1000);
  });
});

describe("LogEntry wire formats", () => {
  it("serializes the envelope once per format, identical inside each", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 5, epoch: "E", now: () => 1.5 });
    const entry = await log.append('{"a":"x\\ny"}');
    expect(entry.json).toBe('{"channel":"c","seq":1,"time":1.5,"data":{"a":"x\\ny"}}');
    const wsPayload = `{"type":"message",${entry.json.slice(1)}`;
    // One complete unmasked text frame: FIN + opcode 1, the 7-bit length, the payload.
    expect([...entry.wsFrame.subarray(0, 2)]).toEqual([0x81, wsPayload.length]);
    expect(entry.wsFrame.subarray(2).toString()).toBe(wsPayload);
    const sseEvent = `id: E:1\ndata: ${entry.json}\n\n`;
    expect(entry.sseEvent.toString()).toBe(sseEvent);
    expect(entry.sseChunk.toString()).toBe(`${sseEvent.length.toString(16)}\r\n${sseEvent}\r\n`);
    expect(entry.sseEventBytes).toBe(sseEvent.length);
    expect(entry.pollBody.toString()).toBe(`{"cursor":"E:1","messages":[${entry.json}]}`);
    expect(entry.wsFrame).toBe(entry.wsFrame); // cached, not rebuilt
    expect(JSON.parse(entry.json)).toEqual({ channel: "c", seq: 1, time: 1.5, data: { a: "x\ny" } });
  });
});
