import { type Envelope, type PollResponse, TRANSPORT_NAMES } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { startInlineInstance, withCluster } from "./cluster/cluster-harness.ts";
import { eventually, range, request } from "./helpers.ts";
import { openResumingClient, type ResumingClient } from "./resuming-clients.ts";

/** Publishes {i} for i = 1..n from two publishers, one on each base, at once. */
async function publishAlternating(
  publish: (base: string, i: number) => Promise<unknown>,
  bases: string[],
  n: number,
) {
  let next = 1;
  await Promise.all(
    bases.map(async (base) => {
      while (next <= n) {
        const i = next++;
        await publish(base, i);
      }
    }),
  );
}

/** Every client got 1..n once, in order, and the same envelopes as every other client. */
function expectSameDelivery(clients: ResumingClient[], n: number) {
  const reference: Envelope[] = clients[0]?.envelopes ?? [];
  for (const c of clients) {
    expect({ transport: c.transport, seqs: c.seqs }).toEqual({ transport: c.transport, seqs: range(1, n) });
    expect(c.envelopes).toEqual(reference);
  }
}

describe("several instances sharing channels through Redis", () => {
  it("subscribers on both instances, on all four transports, get 1..N once and in order while publishers write to both", {
    timeout: 60_000,
  }, async () => {
    await withCluster({}, async (c) => {
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      const clients = [a, b].flatMap((base) =>
        TRANSPORT_NAMES.map((t) => openResumingClient(t, base, "both")),
      );
      c.defer(() => {
        for (const client of clients) client.close();
      });
      const N = 300;
      await publishAlternating((base, i) => c.publish(base, "both", { i, from: base }), [a, b], N);
      await eventually(() => {
        for (const client of clients) expect(client.seqs.length, client.transport).toBeGreaterThanOrEqual(N);
      }, 15_000);
      expectSameDelivery(clients, N);
      expect(new Set(clients[0]?.envelopes.map((e) => (e.data as { from: string }).from))).toEqual(
        new Set([a, b]),
      );
    });
  });

  it("polls and long-polls through a round-robin balancer alternate between instances and lose nothing", {
    timeout: 60_000,
  }, async () => {
    await withCluster({}, async (c) => {
      const clients = (["longPoll", "poll", "sse", "ws"] as const).map((t) =>
        openResumingClient(t, c.url, "rr"),
      );
      c.defer(() => {
        for (const client of clients) client.close();
      });
      const N = 200;
      await publishAlternating((base, i) => c.publish(base, "rr", { i }), [c.url, c.url], N);
      await eventually(() => {
        for (const client of clients) expect(client.seqs.length, client.transport).toBeGreaterThanOrEqual(N);
      }, 15_000);
      expectSameDelivery(clients, N);
      // Both instances answered polls and long-polls: the cursor of one was honoured by the other.
      // The balancer alternates, so each has about half; how many in all depends on how fast the
      // publishes went (a poll every 10 ms), so the bound is a few, not a count of the run.
      for (const instance of c.instances) {
        const m = instance.server?.instance.context.counters.transports;
        expect(m?.poll.requests).toBeGreaterThanOrEqual(3);
        expect(m?.longPoll.requests).toBeGreaterThanOrEqual(3);
      }
      // One cursor, asked of each instance in turn through the balancer, gets the same answer.
      const answers = await Promise.all(
        range(1, 4).map(() => request<PollResponse>(`${c.url}/api/channels/rr/poll?cursor=earliest`)),
      );
      for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body);
    });
  });

  it("an instance restarted (or one added) keeps the channel's epoch: its clients resume without a reset", {
    timeout: 60_000,
  }, async () => {
    await withCluster({}, async (c) => {
      const [a, b] = c.instances as [(typeof c.instances)[0], (typeof c.instances)[0]];
      const first = await c.publish(a.url, "keep", "one");
      await c.publish(b.url, "keep", "two");
      await b.stop();
      const again = await startInlineInstance({ rateLimit: 0 }, c.redis.url, b.port);
      c.defer(() => again.stop());
      const poll = await request<PollResponse>(`${again.url}/api/channels/keep/poll?cursor=${first.cursor}`);
      expect(poll.body.reset).toBeUndefined();
      expect(poll.body.messages.map((m) => m.data)).toEqual(["two"]);
      const added = await startInlineInstance({ rateLimit: 0 }, c.redis.url);
      c.defer(() => added.stop());
      const info = await request<{ epoch: string; seq: number }>(`${added.url}/api/channels/keep`);
      expect(info.body).toMatchObject({ epoch: first.cursor.split(":")[0], seq: 2 });
    });
  });
});
