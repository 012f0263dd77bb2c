import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryChannelLog, type LogState } from "../src/channel-log.ts";
import type { LogEntry } from "../src/log-entry.ts";
import { RedisChannelLog, type RedisLogContext } from "../src/redis/redis-channel-log.ts";
import { connectRedis, type RedisConnection } from "../src/redis/redis-connection.ts";
import { type RedisProcess, startRedis } from "./cluster/redis-process.ts";
import { range, sleep } from "./helpers.ts";

let redis: RedisProcess;
const connections: RedisConnection[] = [];

/** One instance's view of the log: its own two connections, as a server process would have. */
async function instance(overrides: Partial<RedisLogContext> = {}): Promise<RedisLogContext> {
  const connection = await connectRedis(redis.url, `test-${connections.length}`);
  connections.push(connection);
  return {
    connection,
    historySize: 1000,
    maxChannelBytes: 1 << 24,
    channelIdleMs: 86_400_000,
    emptyState: (): LogState => ({ epoch: "E", seq: 0, oldestSeq: 1, bytes: 0 }),
    writable: () => true,
    retainedChanged: () => {},
    now: () => 1,
    ...overrides,
  };
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of connections) await c.close();
  await redis.kill();
});

const seqs = (entries: LogEntry[]) => entries.map((e) => e.seq);

describe("RedisChannelLog", () => {
  it("numbers appends from two instances 1..N without gaps; both read the same envelopes", async () => {
    const [a, b] = [await instance(), await instance()];
    const logA = new RedisChannelLog("two", a);
    const logB = new RedisChannelLog("two", b);
    const appended = await Promise.all(range(1, 200).map((i) => (i % 2 ? logA : logB).append(`{"i":${i}}`)));
    expect(appended.map((e) => e.seq).sort((x, y) => x - y)).toEqual(range(1, 200));
    const readA = await logA.readAfter(0, 1000);
    const readB = await logB.readAfter(0, 1000);
    expect(seqs(readA)).toEqual(range(1, 200));
    expect(readB.map((e) => e.json)).toEqual(readA.map((e) => e.json));
    const bySeq = new Map(appended.map((e) => [e.seq, e.json]));
    expect(readA.map((e) => e.json)).toEqual(readA.map((e) => bySeq.get(e.seq)));
    expect(await logB.head()).toEqual({ epoch: "E", seq: 200, oldestSeq: 1, bytes: expect.any(Number) });
  });

  it("retains by count and bytes exactly as the in-memory log does (same sizes, same eviction)", async () => {
    const ctx = await instance({ historySize: 7, maxChannelBytes: 700, now: () => 1795657474507.382 });
    const log = new RedisChannelLog("retention", ctx);
    const memory = createMemoryChannelLog({
      channel: "retention",
      historySize: 7,
      maxBytes: 700,
      epoch: "E",
      now: () => 1795657474507.382,
    });
    const payloads = range(1, 40).map((i) => JSON.stringify({ i, pad: "é".repeat((i * 37) % 120) }));
    for (const p of payloads) {
      const [r, m] = [await log.append(p), await memory.append(p)];
      expect(r.json).toBe(m.json);
      expect(r.size).toBe(m.size);
      expect(log.state()).toEqual(memory.state());
    }
    expect(await log.head()).toEqual(memory.state());
    expect((await log.readAfter(0, 100)).map((e) => e.json)).toEqual(
      (await memory.readAfter(0, 100)).map((e) => e.json),
    );
    for (const budget of [1, 150, 300, 10_000]) {
      expect(seqs(await log.readAfter(0, 100, budget))).toEqual(seqs(await memory.readAfter(0, 100, budget)));
    }
    expect(await log.trim(200)).toBe(await memory.trim(200));
    expect(await log.head()).toEqual(memory.state());
    // A message over the whole budget replaces everything and stays.
    const big = JSON.stringify("x".repeat(900));
    await log.append(big);
    await memory.append(big);
    expect(await log.head()).toEqual(memory.state());
  });

  it("feeds subscribers on another instance every entry once, in order, from pub/sub; resubscribing catches up", async () => {
    const [a, b] = [await instance(), await instance()];
    const writer = new RedisChannelLog("fan", a);
    const reader = new RedisChannelLog("fan", b);
    const seen: number[] = [];
    const subscriber = { receive: (e: LogEntry) => seen.push(e.seq) };
    reader.subscribe(subscriber);
    await writer.append('"x"'); // published before the SUBSCRIBE took effect, perhaps: the catch-up reads it
    for (let i = 0; i < 300; i++) void writer.append(`${i}`);
    await writer.append('"last"');
    for (let i = 0; i < 100 && seen.length < 302; i++) await sleep(10);
    expect(seen).toEqual(range(1, 302));
    reader.unsubscribe(subscriber);
    await writer.append("1");
    await writer.append("2");
    reader.subscribe(subscriber);
    await writer.append("3");
    for (let i = 0; i < 100 && seen.length < 305; i++) await sleep(10);
    expect(seen).toEqual(range(1, 305));
  });
});
