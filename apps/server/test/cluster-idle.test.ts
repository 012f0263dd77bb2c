import type { ChannelInfo, PollResponse } from "@transport-lab/protocol";
import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { channelKeys } from "../src/redis/keys.ts";
import { openWs } from "./clients.ts";
import { withCluster } from "./cluster/cluster-harness.ts";
import { eventually, post, request, sleep } from "./helpers.ts";

const names = async (base: string) =>
  (await request<{ channels: ChannelInfo[] }>(`${base}/api/channels`)).body.channels.map((c) => c.channel);

describe("idle channels through Redis", () => {
  it("a channel published to once and left goes after CHANNEL_IDLE_MS: list, limit and messages; its numbering goes on", {
    timeout: 40_000,
  }, async () => {
    const options = { channelIdleMs: 1500, maxChannels: 3 };
    await withCluster({ options }, async ({ instances, redis, publish, defer }) => {
      const [a, b] = instances.map((i) => ({ url: i.url })) as [{ url: string }, { url: string }];
      const first = await publish(a.url, "squat", { n: 1 });
      await publish(b.url, "squat", { n: 2 });
      await publish(a.url, "squat", { n: 3 });
      await publish(b.url, "filler", { n: 1 });
      expect(await names(b.url)).toContain("squat");
      // chat, squat and filler fill the limit of 3: nothing new may be made meanwhile.
      const refused = await post(`${b.url}/api/channels/other/messages`, { data: 1 });
      expect(refused.status).toBe(503);

      const keys = channelKeys("squat");
      const direct = createClient({ url: redis.url });
      await direct.connect();
      defer(() => direct.destroy());
      expect(await direct.exists(keys.stream)).toBe(1);

      // Let go by both instances at their next sweep (every 10 s), then unused for 1.5 s: out
      // of the list everywhere, its messages expired.
      await eventually(async () => {
        expect(await names(a.url)).not.toContain("squat");
        expect(await names(b.url)).not.toContain("squat");
      }, 20_000);
      await eventually(async () => expect(await direct.exists(keys.stream)).toBe(0), 5000);
      // The meta hash stays for longer: epoch and last seq are remembered.
      expect(await direct.pTTL(keys.meta)).toBeGreaterThan(1500);
      const epoch = first.cursor.split(":")[0];
      const info = (await request<ChannelInfo>(`${b.url}/api/channels/squat`)).body;
      expect(info).toMatchObject({ epoch, seq: 3, oldestSeq: 4 });
      expect(await post(`${b.url}/api/channels/other/messages`, { data: 1 })).toMatchObject({ status: 201 });

      // Published again: the same epoch, seq 4; messages 1–3 are gone, so a cursor into them is `expired`.
      const again = await publish(a.url, "squat", { n: 4 });
      expect(again.cursor).toBe(`${epoch}:4`);
      const poll = await request<PollResponse>(`${b.url}/api/channels/squat/poll?cursor=${epoch}:1`);
      expect(poll.body).toMatchObject({ reset: { reason: "expired" }, messages: [{ seq: 4 }] });
    });
  });

  it("a held channel keeps its messages and numbering however long it is quiet; one whose log Redis forgot starts a new epoch", {
    timeout: 90_000,
  }, async () => {
    // With 1 s the stream of an unheld channel goes 1 s after its last message, its meta hash 30 s after.
    const options = { channelIdleMs: 1000 };
    await withCluster({ options }, async ({ instances, redis, publish, defer }) => {
      const [a, b] = instances.map((i) => i.url) as [string, string];
      const direct = createClient({ url: redis.url });
      await direct.connect();
      defer(() => direct.destroy());
      for (const n of [1, 2, 3]) {
        await publish(a, "kept", { n });
        await publish(a, "gone", { n });
      }
      const keptEpoch = (await request<ChannelInfo>(`${a}/api/channels/kept`)).body.epoch;
      const goneEpoch = (await request<ChannelInfo>(`${a}/api/channels/gone`)).body.epoch;
      // Only b holds `kept` (a lets it go at its sweep); nobody holds `gone`.
      const ws = await openWs(`${b.replace("http", "ws")}/api/channels/kept/ws`);
      defer(() => ws.socket.terminate());
      expect(await ws.next()).toMatchObject({ type: "hello", epoch: keptEpoch, seq: 3 });

      // Well past the idle time, a newcomer still gets the held channel's history.
      await sleep(3000);
      const early = await request<PollResponse>(`${a}/api/channels/kept/poll?cursor=earliest`);
      expect(early.body.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(early.body.reset).toBeUndefined();

      // Until Redis has forgotten `gone` altogether (its meta hash expired).
      await eventually(async () => expect(await direct.exists(channelKeys("gone").meta)).toBe(0), 60_000);
      expect(await direct.exists(channelKeys("kept").meta)).toBe(1);
      expect(await direct.exists(channelKeys("kept").stream)).toBe(1);

      // The held channel goes on where it was: the subscriber gets 4, in the same epoch.
      const four = await publish(a, "kept", { n: 4 });
      expect(four.cursor).toBe(`${keptEpoch}:4`);
      expect((await ws.messages(1)).map((m) => [m.seq, m.data])).toEqual([[4, { n: 4 }]]);

      // The forgotten one: its old cursors belong to an epoch that ended, before and after it is made again.
      const absent = (await request<ChannelInfo>(`${b}/api/channels/gone`)).body;
      expect(absent.epoch).not.toBe(goneEpoch);
      const before = await request<PollResponse>(`${b}/api/channels/gone/poll?cursor=${goneEpoch}:3`);
      expect(before.body).toMatchObject({ reset: { reason: "epoch" }, messages: [] });
      const again = await publish(a, "gone", { n: 1 });
      const [newEpoch, newSeq] = again.cursor.split(":");
      expect(newEpoch).not.toBe(goneEpoch);
      expect(newSeq).toBe("1");
      const after = await request<PollResponse>(`${b}/api/channels/gone/poll?cursor=${goneEpoch}:1`);
      expect(after.body).toMatchObject({ reset: { reason: "epoch" }, cursor: `${newEpoch}:1` });
      expect(after.body.messages.map((m) => [m.seq, m.data])).toEqual([[1, { n: 1 }]]);
    });
  });
});
