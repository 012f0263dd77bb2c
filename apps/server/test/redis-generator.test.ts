import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogState } from "../src/channel-log.ts";
import type { LogEntry } from "../src/log-entry.ts";
import { createLeasedGenerator } from "../src/redis/generator-lease.ts";
import { RedisChannelLog } from "../src/redis/redis-channel-log.ts";
import { connectRedis, type RedisConnection } from "../src/redis/redis-connection.ts";
import { type RedisProcess, startRedis } from "./cluster/redis-process.ts";
import { sleep } from "./helpers.ts";

let redis: RedisProcess;
const connections: RedisConnection[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of connections) await c.close();
  await redis.kill();
});

const connect = async () => {
  const c = await connectRedis(redis.url, `gen-${connections.length}`);
  connections.push(c);
  return c;
};

/** A channel's log as one instance has it, stamping messages with the wall clock. */
const logOn = (channel: string, connection: RedisConnection) =>
  new RedisChannelLog(channel, {
    connection,
    historySize: 10_000,
    maxChannelBytes: 1 << 24,
    channelIdleMs: 86_400_000,
    emptyState: (): LogState => ({ epoch: "E", seq: 0, oldestSeq: 1, bytes: 0 }),
    writable: () => true,
    retainedChanged: () => {},
    now: () => Date.now(),
  });

/** The channel's generator, run by this instance and appending to `log`. */
const generatorOf = (log: RedisChannelLog) =>
  createLeasedGenerator({
    channel: log.channel,
    connection: log.ctx.connection,
    instanceId: `test-${log.channel}`,
    idleMs: 60_000,
    hasClients: () => true,
    publish: (dataJson, lease) => log.append(dataJson, lease),
  });

describe("the leased generator through Redis", () => {
  it("holds its messages while Redis stalls instead of queueing appends stamped long before delivery", {
    timeout: 20_000,
  }, async () => {
    const connection = await connect();
    const admin = await connect();
    const log = logOn("stall", connection);
    // publish→deliver of every message as a subscriber of this instance sees it.
    const latencies: number[] = [];
    log.subscribe({ receive: (entry: LogEntry) => latencies.push(Date.now() - entry.time) });
    const generator = generatorOf(log);
    await generator.set(200, 16);
    await sleep(500);
    // Redis answers no write (no script) for 2 s; the generator goes on making 200 messages a second.
    await admin.commands.sendCommand(["CLIENT", "PAUSE", "2000", "WRITE"]);
    await sleep(3000);
    await generator.set(0, 16);
    await sleep(300);
    const late = latencies.filter((ms) => ms > 1000).length;
    console.log(`generator through a 2 s Redis stall: ${latencies.length} delivered, ${late} over 1000 ms`);
    // Some 400 messages were made during the stall. Sent at once, each would wait in Redis's
    // input buffer and reach its subscribers up to 2 s after its time: about 200 over 1 s.
    // Held, only the batch in flight when the stall began (a message or a few) is that late.
    // (Past 500 held the oldest would be dropped, as the in-memory generator drops past 500 due.)
    expect(latencies.length).toBeGreaterThan(450);
    expect(late).toBeLessThan(40);
    expect(log.state().seq).toBe(latencies.length);
  });

  it("costs one script per generated message in steady state (no catch-up reads)", async () => {
    const connection = await connect();
    const log = logOn("steady", connection);
    let received = 0;
    log.subscribe({ receive: () => received++ });
    await sleep(200); // subscribed and caught up
    const generator = generatorOf(log);
    const stats = async () => {
      const info = String(await connection.commands.sendCommand(["INFO", "commandstats"]));
      const calls = (cmd: string) => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
      return { scripts: calls("evalsha") + calls("eval"), xrange: calls("xrange"), xadd: calls("xadd") };
    };
    await generator.set(300, 16);
    await sleep(300);
    const before = await stats();
    await sleep(1500);
    const after = await stats();
    await generator.set(0, 16);
    const appended = after.xadd - before.xadd;
    const scripts = after.scripts - before.scripts;
    console.log(
      `steady state: ${appended} appends, ${scripts} scripts, ${after.xrange - before.xrange} XRANGE`,
    );
    expect(appended).toBeGreaterThan(200);
    // The appends, a lease renewal or two, and no read: every message came by pub/sub or its reply.
    expect(scripts).toBeLessThanOrEqual(appended + 4);
    expect(after.xrange - before.xrange).toBe(0);
    await sleep(100);
    expect(received).toBe(log.state().seq);
  });
});
