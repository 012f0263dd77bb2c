import { formatCursor, type TransportName } from "@transport-lab/protocol";
import { type RunningServer, startServer } from "@transport-lab/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backoffCeiling,
  type ClientOptions,
  DEFAULT_BACKOFF,
  platform as nodePlatform,
  type Platform,
} from "../src/index.node.ts";
import {
  api,
  atMost,
  channelInfo,
  publishMany,
  resources,
  sleep,
  startFaultProxy,
  waitFor,
} from "./helpers.ts";
import { FAST, range, recordOn } from "./recorded.ts";

/** Drop reasons each transport reports when the server's disconnect endpoint cuts it. */
const DISCONNECT_REASON: Record<TransportName, string | undefined> = {
  ws: "server_restart", // close 1012
  sse: "server_closed", // the stream ends
  longPoll: "network", // held request destroyed without answer
  poll: undefined, // nothing held: nothing to cut
};

/** One case of the contract: a transport on a platform. */
export interface ContractCase {
  readonly name: string;
  readonly transport: TransportName;
  readonly platform: Platform;
  /**
   * The platform's own WebSocket and EventSource (browser build): a page sees neither the HTTP
   * status of a refused upgrade or stream, nor the difference between a stream that ended and
   * one that failed.
   */
  readonly platformSockets?: boolean;
}

/** The transport contract, written once; each test file runs it for its cases. */
export function defineContractSuite(cases: readonly ContractCase[]): void {
  describe.each(cases)("transport contract: $name", ({ transport, platform, platformSockets = false }) => {
    const slug = transport.toLowerCase();
    const measured = platform === nodePlatform;
    const record = (options: ClientOptions) => recordOn(options, platform);
    let srv: RunningServer;

    beforeAll(async () => {
      srv = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0, historySize: 20_000 });
    });
    afterAll(async () => {
      await srv.close(300);
    });

    it("delivers thousands of messages in order, exactly once, while the server cuts every connection repeatedly", async () => {
      const channel = `exact-${slug}`;
      const r = record({ baseUrl: srv.url, channel, transport, cursor: "earliest", ...FAST });
      try {
        await waitFor("open", () => r.client.state.kind === "open");
        await api("POST", `${srv.url}/api/channels/${channel}/generator`, { rate: 3000, payloadBytes: 64 });
        let cuts = 0;
        const until = Date.now() + 1000;
        while (Date.now() < until) {
          await sleep(60);
          const { json } = await api<{ disconnected: number }>(
            "POST",
            `${srv.url}/api/channels/${channel}/disconnect`,
          );
          cuts += json.disconnected;
        }
        await api("POST", `${srv.url}/api/channels/${channel}/generator`, { rate: 0 });
        const n = (await channelInfo(srv.url, channel)).seq;
        expect(n).toBeGreaterThan(2000);
        await waitFor(`${n} messages`, () => r.seqs.length >= n, 15_000);
        await sleep(100);
        expect(r.seqs).toEqual(range(1, n));
        expect(r.client.delivery).toEqual({
          delivered: n,
          duplicates: 0,
          gaps: 0,
          missing: 0,
          discarded: 0,
          reordered: 0,
          resets: 0,
          lost: 0,
        });
        const drops = r.states.filter((s) => s.kind === "reconnecting");
        // Every reconnection waited a full-jitter delay below its capped exponential ceiling.
        for (const drop of drops) {
          expect(drop.delayMs).toBeGreaterThanOrEqual(0);
          expect(drop.delayMs).toBeLessThan(
            backoffCeiling(drop.attempt - 1, { ...DEFAULT_BACKOFF, ...FAST.backoff }),
          );
        }
        const snapshot = r.client.snapshot().transports[transport];
        expect(snapshot?.extras.drops).toBe(drops.length);
        expect(snapshot?.metrics.reconnects).toBe(drops.length);
        expect(snapshot?.metrics.messages).toBe(n);
        const expected = platformSockets && transport === "sse" ? "network" : DISCONNECT_REASON[transport];
        if (transport === "ws" || transport === "sse") {
          // Every cut hit an open connection of ours and was followed by a resume.
          expect(cuts).toBeGreaterThan(0);
          expect(drops.length).toBe(cuts);
        }
        expect(new Set(drops.map((s) => s.reason))).toEqual(new Set(cuts > 0 && expected ? [expected] : []));
      } finally {
        await r.client.close();
      }
    });

    it("resumes from its cursor after its own connection is killed (network fault below HTTP)", async () => {
      const channel = `kill-${slug}`;
      const proxy = await startFaultProxy(srv.port);
      const r = record({ baseUrl: proxy.url, channel, transport, ...FAST });
      try {
        await waitFor("open", () => r.client.state.kind === "open");
        await publishMany(srv.url, channel, 10);
        await waitFor("10 messages", () => r.seqs.length === 10);
        expect(proxy.cut()).toBeGreaterThan(0);
        await publishMany(srv.url, channel, 10);
        await waitFor("20 messages", () => r.seqs.length >= 20);
        await sleep(100);
        expect(r.seqs).toEqual(range(1, 20));
        if (transport !== "poll") {
          // A held connection was cut: reported as a network drop, then reopened from the cursor.
          const kinds = r.states.map((s) => `${s.kind}:${s.reason}`);
          expect(kinds).toEqual([
            "connecting:start",
            "open:connected",
            "reconnecting:network",
            "open:reconnected",
          ]);
        }
        expect(r.client.delivery.duplicates).toBe(0);
      } finally {
        await r.client.close();
        await proxy.close();
      }
    });

    it("surfaces a reset beyond history with its reason, then continues from the oldest retained message", async () => {
      const small = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0, historySize: 10 });
      const channel = `reset-${slug}`;
      try {
        await publishMany(small.url, channel, 30);
        const { epoch } = await channelInfo(small.url, channel);
        // Lost: 6…20 expired unseen; into the new epoch, its 1…20 (the old epoch's tail is unknowable).
        for (const [cursor, reason, lost] of [
          [formatCursor(epoch, 5), "expired", 15],
          ["0ldEpoch:3", "epoch", 20],
        ] as const) {
          const r = record({ baseUrl: small.url, channel, transport, cursor, ...FAST });
          const resets: unknown[] = [];
          r.client.on("reset", (reset) => resets.push(reset));
          try {
            await waitFor("10 messages", () => r.seqs.length >= 10);
            await sleep(50);
            expect(resets).toEqual([{ reason, cursor: formatCursor(epoch, 20), transport, lost }]);
            expect(r.seqs).toEqual(range(21, 30));
            expect(r.client.cursor).toBe(formatCursor(epoch, 30));
            expect(r.client.delivery.resets).toBe(1);
            expect(r.client.metrics().resets).toBe(1);
            expect([r.client.delivery.lost, r.client.metrics().lost]).toEqual([lost, lost]);
          } finally {
            await r.client.close();
          }
        }
      } finally {
        // Short grace: the global fetch (node+fetch cases) leaves an aborted stream's socket half-open
        // in its pool, and the server's close would otherwise wait its whole default grace for it.
        await small.close(300);
      }
    });

    it("after an outage longer than the history, resumes with an expired reset and counts the seqs it never got", async () => {
      const small = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0, historySize: 10 });
      const channel = `outage-${slug}`;
      const proxy = await startFaultProxy(small.port);
      const r = record({ baseUrl: proxy.url, channel, transport, ...FAST });
      const resets: unknown[] = [];
      r.client.on("reset", (reset) => resets.push(reset));
      try {
        await waitFor("open", () => r.client.state.kind === "open");
        await publishMany(small.url, channel, 5);
        await waitFor("5 messages", () => r.seqs.length === 5);
        proxy.refuse(true);
        proxy.cut();
        // While the client cannot reach the server, 30 more are published: the history keeps 26…35.
        await publishMany(small.url, channel, 30);
        await waitFor("a failed reconnect", () => r.states.some((s) => s.kind === "reconnecting"));
        proxy.refuse(false);
        await waitFor("35", () => r.seqs.at(-1) === 35);
        await sleep(50);
        const { epoch } = await channelInfo(small.url, channel);
        expect(r.seqs).toEqual([...range(1, 5), ...range(26, 35)]);
        expect(resets).toEqual([{ reason: "expired", cursor: formatCursor(epoch, 25), transport, lost: 20 }]);
        expect(r.client.metrics()).toMatchObject({ resets: 1, lost: 20, gaps: 0, duplicates: 0 });
      } finally {
        await r.client.close();
        await proxy.close();
        await small.close(300);
      }
    });

    it("publishes with a round trip: resolves with the assigned seq, and the message comes back once", async () => {
      const channel = `publish-${slug}`;
      const r = record({ baseUrl: srv.url, channel, transport, ...FAST, clock: true, wireLogSize: 1000 });
      try {
        await waitFor("open and clock", () => r.client.state.kind === "open" && r.client.clock !== null);
        const { epoch } = await channelInfo(srv.url, channel);
        const sequential = [];
        for (let i = 1; i <= 10; i++) sequential.push(await r.client.publish({ i, text: "héllo ✓" }));
        const concurrent = await Promise.all(
          range(11, 20).map((i) => r.client.publish({ i, text: "héllo ✓" })),
        );
        expect(sequential).toEqual(range(1, 10).map((seq) => ({ seq, cursor: formatCursor(epoch, seq) })));
        expect(concurrent.map((p) => p.seq).sort((a, b) => a - b)).toEqual(range(11, 20));
        await waitFor("20 messages", () => r.seqs.length >= 20);
        await sleep(50);
        expect(r.seqs).toEqual(range(1, 20));
        // publish k (0-based, in call order: 10 sequential, then 10 concurrent) sent i = k + 1.
        const bySeq = new Map([...sequential, ...concurrent].map((p, k) => [p.seq, k + 1]));
        expect(r.envelopes.map((e) => (e.data as { i: number }).i).sort((a, b) => a - b)).toEqual(
          range(1, 20),
        );
        expect(
          r.envelopes.every((e) => e.channel === channel && (e.data as { text: string }).text === "héllo ✓"),
        ).toBe(true);
        expect(bySeq.size).toBe(20);
        // Each delivered envelope carries the data that was published under its seq.
        expect(r.envelopes.map((e) => [e.seq, (e.data as { i: number }).i])).toEqual(
          r.envelopes.map((e) => [e.seq, bySeq.get(e.seq)]),
        );

        const { metrics, extras } = r.client.snapshot().transports[transport] ?? {};
        expect(metrics?.publishes).toBe(20);
        expect(metrics?.messages).toBe(20);
        expect(metrics?.latency.count).toBe(20);
        expect(metrics?.clock?.samples).toBe(5);
        // Requests: a WS handshake is 1 (publishes are frames); SSE is 1 stream + 20 POSTs;
        // polling is 20 POSTs + every answered poll + the one in flight (long-poll always holds one).
        const inFlight = (metrics?.httpRequests ?? 0) - 20 - (metrics?.responses ?? 0);
        if (transport === "ws") expect(metrics?.httpRequests).toBe(1);
        if (transport === "sse") expect(metrics?.httpRequests).toBe(21);
        if (transport === "longPoll") expect(inFlight).toBe(1);
        if (transport === "longPoll") expect(metrics?.emptyResponses).toBe(1); // the 1 ms handshake
        if (transport === "poll") expect([0, 1]).toContain(inFlight);
        if (measured) {
          // Node measures every byte on the sockets; the protocol-computed sizes must agree exactly.
          expect(metrics?.bytesIn.source).toBe("measured");
          expect(metrics?.bytesOut.source).toBe("measured");
          expect(metrics?.bytesIn.bytes).toBe(extras?.computedEstimateIn);
          expect(metrics?.bytesOut.bytes).toBe(extras?.computedEstimateOut);
        } else {
          // fetch: request heads are estimates, response bodies come from Resource Timing when it reports them.
          // No platform counter sees what a page sends, so every byte out must be labelled computed.
          // (Comparing bytesOut with computedEstimateOut here would be true by construction: both add
          // the same computed sizes. e2e/tests/honest-numbers.spec.ts checks them against Chromium's
          // network stack instead.)
          expect(metrics?.bytesOut.source).toBe("computed");
        }
        const wire = r.client.wireEvents();
        const publishes = wire.filter((e) =>
          transport === "ws" ? e.summary.startsWith("publish ref=") : e.summary.startsWith("POST "),
        );
        expect(publishes.length).toBe(20);
        expect(wire.every((e) => e.transport === transport)).toBe(true);
      } finally {
        await r.client.close();
      }
    });

    // A page cannot see why an upgrade or an EventSource was refused, so it keeps retrying there.
    // (An EventSource refusal is probed with fetch; a WebSocket's cannot be.)
    const statusHidden = platformSockets && transport === "ws";
    it.skipIf(statusHidden)(
      "treats a refused cursor (seq beyond the head) as fatal: closed with its reason, no retry",
      async () => {
        const channel = `fatal-${slug}`;
        await publishMany(srv.url, channel, 1);
        const { epoch } = await channelInfo(srv.url, channel);
        const r = record({ baseUrl: srv.url, channel, transport, cursor: formatCursor(epoch, 99), ...FAST });
        await waitFor("closed", () => r.client.state.kind === "closed");
        await r.client.close();
        expect(r.states).toEqual([
          { kind: "connecting", transport, reason: "start" },
          { kind: "closed", reason: "fatal", detail: "http_error: HTTP 400" },
        ]);
        await expect(r.client.publish(1)).rejects.toMatchObject({ code: "closed" });
      },
    );

    it("closes cleanly: no socket, timer or server subscriber left behind", async () => {
      const channel = `close-${slug}`;
      await channelInfo(srv.url, channel);
      await sleep(50);
      const before = resources();
      const r = record({ baseUrl: srv.url, channel, transport, ...FAST, clock: true });
      await waitFor("open and clock", () => r.client.state.kind === "open" && r.client.clock !== null);
      await r.client.publish("bye");
      await waitFor("1 message", () => r.seqs.length === 1);
      if (measured) expect(resources()).not.toEqual(before);
      await r.client.close();
      expect(r.client.state).toEqual({ kind: "closed", reason: "client", detail: "close() called" });
      // Nothing of ours is left: no type of handle (sockets, timers) is above what the process had before.
      // (The global fetch keeps idle keep-alive sockets in undici's shared pool for a few seconds, out of
      // the client's reach: there only timers are compared.)
      const compared = (counts: Record<string, number>) =>
        measured ? counts : { Timeout: counts.Timeout ?? 0, Immediate: counts.Immediate ?? 0 };
      await waitFor(
        "handles back to the baseline",
        () => atMost(compared(resources()), compared(before)),
        3000,
      );
      const info = await channelInfo(srv.url, channel);
      expect(info.subscribers).toEqual({ ws: 0, sse: 0, longPoll: 0 });
      await publishMany(srv.url, channel, 1);
      await sleep(100);
      expect(r.seqs).toEqual([1]);
      await expect(r.client.publish(1)).rejects.toMatchObject({ code: "closed" });
    });
  });
}
