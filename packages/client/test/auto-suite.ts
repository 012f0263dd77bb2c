import { type RunningServer, startServer } from "@transport-lab/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ClientOptions,
  createMemoryChoiceMemory,
  type Platform,
  type TransportDecision,
} from "../src/index.node.ts";
import { api, channelInfo, sleep, startUpgradeGate, waitFor } from "./helpers.ts";
import { FAST, type Recorded, range, recordOn } from "./recorded.ts";

/** Short enough for tests; the default (3 s) is what a page uses. */
const OPEN_TIMEOUT_MS = 800;

/** A client recorded with its decisions. */
interface AutoRecorded extends Recorded {
  channel: string;
  decisions: TransportDecision[];
}

/** What a decision says, without its times: tried, outcome, action, next. */
const steps = (decisions: readonly TransportDecision[]) =>
  decisions.map((d) => `${d.tried} ${d.outcome} → ${d.action} ${d.next}`);

/**
 * `transport: "auto"` against a real server through its real links, on one platform: the fault
 * links end each on the transport that gets through, a restart stays on WebSocket, a remembered
 * choice starts the next client there, the better transport is checked in the background, and
 * every move carries the cursor, so that 1..N arrive exactly once.
 */
export function defineAutoSuite(name: string, platform: Platform): void {
  describe(`transport: "auto" on ${name}`, () => {
    let srv: RunningServer;
    let channels = 0;
    const record = (baseUrl: string, extra: Partial<ClientOptions> = {}) => {
      const channel = `auto-${++channels}`;
      const r = recordOn(
        {
          baseUrl,
          channel,
          transport: "auto",
          cursor: "earliest",
          ...FAST,
          ...extra,
          auto: { openTimeoutMs: OPEN_TIMEOUT_MS, memory: createMemoryChoiceMemory(), ...extra.auto },
        },
        platform,
      ) as AutoRecorded;
      r.channel = channel;
      r.decisions = [];
      r.client.on("decision", (d) => r.decisions.push(d));
      return r;
    };
    const channelOf = (r: Recorded) => r.client.snapshot().transports;
    const generator = (channel: string, rate: number) =>
      api("POST", `${srv.url}/api/channels/${channel}/generator`, { rate, payloadBytes: 32 });
    /**
     * Runs the generator through `during`, then waits until 1..N arrived and says N. At 50 msg/s
     * the buffering proxy's 16 KiB take seconds to fill: over a busier channel the held stream
     * arrives in bursts and SSE opens, late (docs/architecture.md).
     */
    async function exactlyOnce(r: AutoRecorded, channel: string, during: () => Promise<void>) {
      await generator(channel, 50);
      try {
        await during();
      } finally {
        await generator(channel, 0);
      }
      const n = (await channelInfo(srv.url, channel)).seq;
      await waitFor(`${n} messages`, () => r.seqs.length >= n, 10_000);
      await sleep(100);
      expect(r.seqs).toEqual(range(1, n));
      expect(r.client.delivery.duplicates).toBe(0);
      return n;
    }
    const settledOn = (r: AutoRecorded, transport: string) =>
      waitFor(
        `open over ${transport}`,
        () => r.client.state.kind === "open" && r.client.transport === transport,
      );

    beforeAll(async () => {
      srv = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0, historySize: 20_000 });
    });
    afterAll(async () => {
      await srv.close(300);
    });

    it("ws-blocked: WebSocket is refused, the server answers HTTP, SSE opens at once; nothing lost", async () => {
      // A 5 s backoff: a fallback does not wait for it (it is for trying the same transport again).
      const r = record(`${srv.url}/link/ws-blocked`, {
        backoff: { initialMs: 5000, maxMs: 5000, random: () => 0.999 },
      });
      try {
        await exactlyOnce(r, r.channel, () => settledOn(r, "sse"));
        expect(steps(r.decisions)).toEqual(["ws failed → fall_back sse", "sse opened → use sse"]);
        const [ws] = r.decisions;
        // Node reads the 403; a browser's WebSocket hides it, so the client asks plain HTTP instead.
        if (ws?.reason === "http_error: HTTP 403") expect(ws.check).toBeNull();
        else expect(ws?.check?.reachable).toBe(true);
        expect(ws?.tookMs).toBeLessThan(OPEN_TIMEOUT_MS);
        const [, sse] = r.decisions;
        expect((sse?.at ?? 0) - (ws?.at ?? 0)).toBeLessThan(1000);
        expect(r.decisions.map((d) => d.why)).toEqual(["first", "fallback"]);
        expect(r.states.filter((s) => s.kind === "connecting").map((s) => s.reason)).toEqual([
          "start",
          "fallback",
        ]);
        expect(channelOf(r).ws?.metrics.messages ?? 0).toBe(0);
      } finally {
        await r.client.close();
      }
    });

    it("ws-dropped: the upgrade succeeds but no hello comes; after the open timeout SSE takes over", async () => {
      const r = record(`${srv.url}/link/ws-dropped`);
      try {
        await exactlyOnce(r, r.channel, () => settledOn(r, "sse"));
        expect(steps(r.decisions)).toEqual(["ws timeout → fall_back sse", "sse opened → use sse"]);
        const [ws] = r.decisions;
        expect(ws?.reason).toBe(`no hello within ${OPEN_TIMEOUT_MS} ms`);
        expect(ws?.check?.reachable).toBe(true);
        expect(ws?.tookMs).toBeGreaterThanOrEqual(OPEN_TIMEOUT_MS - 5);
        expect(ws?.tookMs).toBeLessThan(OPEN_TIMEOUT_MS + 1500);
      } finally {
        await r.client.close();
      }
    });

    it("buffering-proxy: WebSocket refused, the event stream held back, long polling gets through", async () => {
      const r = record(`${srv.url}/link/buffering-proxy`);
      try {
        await exactlyOnce(r, r.channel, () => settledOn(r, "longPoll"));
        expect(steps(r.decisions)).toEqual([
          "ws failed → fall_back sse",
          "sse timeout → fall_back longPoll",
          "longPoll opened → use longPoll",
        ]);
        expect(r.decisions[1]?.check?.reachable).toBe(true);
      } finally {
        await r.client.close();
      }
    });

    it("a server restart is retried on WebSocket, never a reason to fall back", async () => {
      const own = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0 });
      const { port } = own;
      let again: RunningServer | undefined;
      const r = record(own.url);
      try {
        await settledOn(r, "ws");
        await own.close(300);
        await waitFor("the client sees the restart", () => r.client.state.kind === "reconnecting");
        await sleep(600);
        again = await startServer({ port, host: "127.0.0.1", rateLimit: 0 });
        await waitFor("open again", () => r.client.state.kind === "open", 10_000);
        expect(r.client.transport).toBe("ws");
        expect(r.states.every((s) => s.kind === "closed" || s.transport === "ws")).toBe(true);
        const actions = new Set(r.decisions.map((d) => d.action));
        expect([...actions].sort()).toEqual(["retry", "use"]);
        // While the server was away it answered no HTTP either: that is what kept the client on ws.
        expect(r.decisions.some((d) => d.action === "retry" && d.check?.reachable === false)).toBe(true);
        expect(r.decisions.at(-1)).toMatchObject({ tried: "ws", why: "reconnect", action: "use" });
      } finally {
        await r.client.close();
        await again?.close(300);
      }
    });

    it("a working WebSocket refused on reconnect is tried once more, then left for SSE", async () => {
      const gate = await startUpgradeGate(srv.port);
      const r = record(gate.url);
      try {
        await settledOn(r, "ws");
        gate.shut(true);
        gate.cut();
        await settledOn(r, "sse");
        expect(steps(r.decisions)).toEqual([
          "ws opened → use ws",
          "ws failed → retry ws",
          "ws failed → fall_back sse",
          "sse opened → use sse",
        ]);
      } finally {
        await r.client.close();
        await gate.close();
      }
    });

    it("moves back up to WebSocket once the network lets it through, losing and repeating nothing", async () => {
      const gate = await startUpgradeGate(srv.port);
      gate.shut(true);
      const r = record(gate.url, { auto: { upgradeIntervalMs: 300 } });
      try {
        await exactlyOnce(r, r.channel, async () => {
          await settledOn(r, "sse");
          // The background checks fail while the gate is shut, and the client stays on SSE.
          await waitFor("a failed check", () => r.decisions.some((d) => d.action === "stay"));
          expect(r.client.transport).toBe("sse");
          gate.shut(false);
          await settledOn(r, "ws");
          await sleep(200);
        });
        const shown = steps(r.decisions).filter((s) => s !== "ws failed → stay sse");
        expect(shown).toEqual([
          "ws failed → fall_back sse",
          "sse opened → use sse",
          "ws opened → move_up ws",
          "ws opened → use ws",
        ]);
        expect(r.decisions.filter((d) => d.why === "upgrade").map((d) => d.action)).toContain("move_up");
        expect(r.states.filter((s) => s.kind === "connecting").map((s) => s.reason)).toEqual([
          "start",
          "fallback",
          "upgrade",
        ]);
        expect(r.client.auto).toBe(true);
      } finally {
        await r.client.close();
        await gate.close();
      }
    });

    it("remembers what worked for the next client of this tab, until it expires", async () => {
      const memory = createMemoryChoiceMemory();
      const base = `${srv.url}/link/ws-blocked`;
      const first = record(base, { auto: { memory } });
      await settledOn(first, "sse");
      await first.client.close();
      const second = record(base, { auto: { memory } });
      try {
        await settledOn(second, "sse");
        expect(steps(second.decisions)).toEqual(["sse opened → use sse"]);
        expect(second.decisions[0]?.why).toBe("remembered");
      } finally {
        await second.client.close();
      }
      const expired = record(base, { auto: { memory, rememberMs: 1 } });
      try {
        await settledOn(expired, "sse");
        expect(expired.decisions[0]).toMatchObject({ tried: "ws", why: "first" });
      } finally {
        await expired.client.close();
      }
    });

    it("after switchTransport(), a drop of the chosen transport is retried there, never moved by an old decision", async () => {
      const r = record(`${srv.url}/link/ws-blocked`, { backoff: { initialMs: 50, maxMs: 50 } });
      try {
        await settledOn(r, "sse"); // auto decided: WebSocket refused, SSE
        r.client.switchTransport("longPoll");
        await settledOn(r, "longPoll");
        const from = r.states.length;
        await api("POST", `${srv.url}/api/channels/${r.channel}/disconnect`);
        await waitFor("the long poll cut", () => r.states.slice(from).some((s) => s.kind === "reconnecting"));
        await sleep(500);
        expect(r.client.transport).toBe("longPoll");
        expect(r.states.slice(from).filter((s) => s.kind === "connecting")).toEqual([]);
        await settledOn(r, "longPoll");
      } finally {
        await r.client.close();
      }
    });

    it("switchTransport() ends the automatic choice", async () => {
      const r = record(`${srv.url}/link/ws-blocked`, { auto: { upgradeIntervalMs: 100 } });
      try {
        await settledOn(r, "sse");
        r.client.switchTransport("longPoll");
        expect(r.client.auto).toBe(false);
        await settledOn(r, "longPoll");
        const seen = r.decisions.length;
        await sleep(400);
        expect(r.decisions.length).toBe(seen);
      } finally {
        await r.client.close();
      }
    });
  });
}
