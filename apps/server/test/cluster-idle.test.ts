import type { ChannelInfo, PollResponse } from "@transport-lab/protocol";
import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { channelKeys } from "../src/redis/keys.ts";
import { withCluster } from "./cluster/cluster-harness.ts";
import { eventually, post, request } from "./helpers.ts";

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
});
