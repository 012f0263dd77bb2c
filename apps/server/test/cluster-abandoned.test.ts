import http from "node:http";
import type { ServerMetrics } from "@transport-lab/protocol";
import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { withCluster } from "./cluster/cluster-harness.ts";
import { eventually, request, sleep } from "./helpers.ts";

/** Opens a GET that the test abandons: resolves once the request is on the wire. */
function openAndAbandonLater(url: string): { abandon: () => void } {
  const req = http.get(url);
  req.on("error", () => {});
  return { abandon: () => req.destroy() };
}

describe("a client that leaves while the server reads the channel's head from Redis", () => {
  it("holds no SSE stream and no long poll once it is gone", { timeout: 30_000 }, async () => {
    await withCluster({}, async ({ instances, redis, defer }) => {
      const [a] = instances;
      if (a === undefined) throw new Error("no instance");
      const held = async () => {
        const { transports } = (await request<ServerMetrics>(`${a.url}/api/metrics`)).body;
        return { sse: transports.sse.connections, longPoll: transports.longPoll.connections };
      };
      const pauser = createClient({ url: redis.url });
      await pauser.connect();
      defer(() => pauser.destroy());

      // Redis answers nobody for 1.5 s: the server's read of the head waits that long, and the
      // clients leave during it (with an in-memory log that read takes no time at all).
      await pauser.sendCommand(["CLIENT", "PAUSE", "1500", "ALL"]);
      const sse = openAndAbandonLater(`${a.url}/api/channels/gone-sse/sse`);
      const longPoll = openAndAbandonLater(`${a.url}/api/channels/gone-lp/long-poll?timeout=20000`);
      await sleep(500);
      sse.abandon();
      longPoll.abandon();

      // Past the pause (the long poll's own timeout is 20 s away): nothing may still be held.
      await sleep(1500);
      await eventually(async () => expect(await held()).toEqual({ sse: 0, longPoll: 0 }), 3000);
    });
  });
});
