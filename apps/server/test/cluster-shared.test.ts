import type { ChannelInfo, ServerMetrics } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { openWs } from "./clients.ts";
import { withCluster } from "./cluster/cluster-harness.ts";
import { eventually, from, JSON_HEADERS, post, range, request, sleep } from "./helpers.ts";

const publishFrom = (address: string, base: string, channel: string, data: unknown) =>
  from(address)(`${base}/api/channels/${channel}/messages`, {
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify({ data }),
  });

describe("what is per channel works across instances", () => {
  it("the generator runs on one instance; when that one is killed another takes over on schedule", {
    timeout: 60_000,
  }, async () => {
    await withCluster({ kinds: ["process", "inline"] }, async (c) => {
      const [owner, other] = c.instances as [(typeof c.instances)[0], (typeof c.instances)[0]];
      const ws = await openWs(`${other.url.replace("http", "ws")}/api/channels/gen/ws`);
      c.defer(() => ws.socket.terminate());
      await ws.next(); // hello
      const set = await post(`${owner.url}/api/channels/gen/generator`, { rate: 50, payloadBytes: 16 });
      expect(set.body).toMatchObject({ rate: 50, running: true });
      const seen = await ws.messages(20, 5000);
      expect((await request<ChannelInfo>(`${other.url}/api/channels/gen`)).body.generator).toMatchObject({
        rate: 50,
        running: true,
      });
      await owner.stop(); // SIGKILL: its lease runs out, then the other instance claims it
      const after = await ws.messages(60, 15_000);
      const all = [...seen, ...after];
      expect(all.map((e) => e.seq)).toEqual(range(1, 80));
      const ticks = all.map((e) => (e.data as { tick: number }).tick);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1] as number);
      // The schedule went on: the ticks skipped while nobody held the lease are about the gap's length.
      const gap = Math.max(...ticks.slice(1).map((t, i) => t - (ticks[i] as number)));
      console.log(`generator takeover: ticks jumped by ${gap} (${(gap / 50).toFixed(1)} s at 50/s)`);
      expect(gap).toBeGreaterThan(20);
      expect(gap).toBeLessThan(400);
      await post(`${other.url}/api/channels/gen/generator`, { rate: 0 });
      const stoppedAt = (await request<ChannelInfo>(`${other.url}/api/channels/gen`)).body.seq;
      await sleep(300);
      expect((await request<ChannelInfo>(`${other.url}/api/channels/gen`)).body.seq).toBe(stoppedAt);
    });
  });

  it("disconnect on one instance cuts the channel's connections on every instance and counts them all", {
    timeout: 30_000,
  }, async () => {
    await withCluster({}, async (c) => {
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      const onA = await openWs(`${a.replace("http", "ws")}/api/channels/cut/ws`);
      const onB = await openWs(`${b.replace("http", "ws")}/api/channels/cut/ws`);
      const bystander = await openWs(`${b.replace("http", "ws")}/api/channels/other/ws`);
      c.defer(() => {
        for (const w of [onA, onB, bystander]) w.socket.terminate();
      });
      const held = fetch(`${b}/api/channels/cut/long-poll?timeout=20000`).then(
        (r) => r.status,
        (err: unknown) => err,
      );
      await eventually(async () => {
        const info = (await request<ChannelInfo>(`${a}/api/channels/cut`)).body;
        expect(info.subscribers).toEqual({ ws: 2, sse: 0, longPoll: 1 });
        expect(info.instances?.map((i) => i.subscribers.ws + i.subscribers.longPoll).sort()).toEqual([1, 2]);
      }, 5000);
      expect((await post(`${a}/api/channels/cut/disconnect`, "")).body).toEqual({ disconnected: 3 });
      expect((await onA.closed).code).toBe(1012);
      expect((await onB.closed).code).toBe(1012);
      expect(await held).toBeInstanceOf(TypeError);
      expect(bystander.socket.readyState).toBe(1);
    });
  });

  it("channel limits and idle-channel removal hold for all instances together", {
    timeout: 30_000,
  }, async () => {
    await withCluster({ options: { maxChannels: 4, maxChannelsPerAddress: 2 } }, async (c) => {
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      expect((await publishFrom("127.0.0.2", a, "one", 1)).status).toBe(201);
      expect((await publishFrom("127.0.0.2", b, "two", 2)).status).toBe(201);
      const third = await publishFrom("127.0.0.2", a, "three", 3);
      expect({ status: third.status, code: (third.body as { error: { code: string } }).error.code }).toEqual({
        status: 503,
        code: "channel_limit",
      });
      expect((await publishFrom("127.0.0.3", b, "three", 3)).status).toBe(201);
      // chat, one, two, three: the fourth of MAX_CHANNELS 4, whichever instance is asked.
      expect((await publishFrom("127.0.0.4", a, "five", 5)).status).toBe(503);
      const names = async (base: string) =>
        (await request<{ channels: ChannelInfo[] }>(`${base}/api/channels`)).body.channels.map(
          (ch) => ch.channel,
        );
      expect(await names(b)).toEqual(["chat", "one", "three", "two"]);
      // Channels with messages stay, as in one process: a subscriber coming and going changes nothing.
      const watcher = await openWs(`${b.replace("http", "ws")}/api/channels/one/ws`);
      watcher.socket.terminate();
      await sleep(100);
      expect(await names(a)).toEqual(["chat", "one", "three", "two"]);
    });
  });

  it("a channel without messages, held on one instance only, leaves every instance's list when released", {
    timeout: 30_000,
  }, async () => {
    await withCluster({ options: { maxChannels: 3 } }, async (c) => {
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      const names = async (base: string) =>
        (await request<{ channels: ChannelInfo[] }>(`${base}/api/channels`)).body.channels.map(
          (ch) => ch.channel,
        );
      const ws = await openWs(`${b.replace("http", "ws")}/api/channels/empty/ws`);
      expect(await names(a)).toEqual(["chat", "empty"]);
      ws.socket.terminate();
      await eventually(async () => expect(await names(a)).toEqual(["chat"]), 3000);
      expect((await publishFrom("127.0.0.2", a, "x1", 1)).status).toBe(201);
      expect((await publishFrom("127.0.0.2", b, "x2", 1)).status).toBe(201);
      expect((await publishFrom("127.0.0.2", b, "x3", 1)).status).toBe(503);
    });
  });

  it("one address's publish rate limit is shared by all instances; metrics and channel info name the instances", {
    timeout: 30_000,
  }, async () => {
    await withCluster({ options: { rateLimit: 1, rateBurst: 6 } }, async (c) => {
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      const statuses: number[] = [];
      for (const i of range(1, 10))
        statuses.push((await publishFrom("127.0.0.5", i % 2 ? a : b, "rl", i)).status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(6);
      expect(statuses.slice(6)).toEqual([429, 429, 429, 429]);
      expect((await publishFrom("127.0.0.6", a, "rl", "another address")).status).toBe(201);
      const metrics = (await request<ServerMetrics>(`${a}/api/metrics`)).body;
      expect(metrics.instance?.store).toBe("redis");
      await eventually(async () => {
        const m = (await request<ServerMetrics>(`${b}/api/metrics`)).body;
        expect(m.instances?.map((i) => i.id).sort()).toEqual([metrics.instance?.id, m.instance?.id].sort());
        expect(m.channels).toBe(2);
      }, 3000);
      expect(
        metrics.publishes.rateLimited +
          (await request<ServerMetrics>(`${b}/api/metrics`)).body.publishes.rateLimited,
      ).toBe(4);
    });
  });

  it("MAX_RETAINED_BYTES bounds what all channels keep in Redis together; the largest gives way first", {
    timeout: 30_000,
  }, async () => {
    await withCluster({ options: { maxRetainedBytes: 20_000, maxChannelBytes: 16_000 } }, async (c) => {
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      const pad = "p".repeat(900);
      for (const i of range(1, 5)) await c.publish(a, "small", { i, pad });
      for (const i of range(1, 40)) await c.publish(i % 2 ? a : b, "big", { i, pad });
      await eventually(async () => {
        for (const base of [a, b]) {
          const m = (await request<ServerMetrics>(`${base}/api/metrics`)).body;
          expect(m.retained?.bytes).toBeLessThanOrEqual(20_000);
          expect(m.retained?.bytes).toBeGreaterThan(15_000);
        }
        const small = (await request<ChannelInfo>(`${a}/api/channels/small`)).body;
        const big = (await request<ChannelInfo>(`${b}/api/channels/big`)).body;
        expect(small.oldestSeq).toBe(1); // the small channel kept everything
        expect(big.seq - big.oldestSeq + 1).toBeLessThan(17);
      }, 5000);
    });
  });
});
