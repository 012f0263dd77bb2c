import { wsFrameBytes } from "@transport-lab/metrics";
import { type Envelope, formatCursor, type ServerMetrics } from "@transport-lab/protocol";
import { type RunningServer, startServer } from "@transport-lab/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientOptions, type ClientTransportName, platform } from "../src/index.node.ts";
import { createSocketIoTransport, transportsWithSocketIo } from "../src/index.socketio.ts";
import { api, channelInfo, publishMany, sleep, startFaultProxy, waitFor } from "./helpers.ts";
import { FAST, range, recordOn } from "./recorded.ts";

/** A client of the Socket.IO lane (Node's `socket.io-client` against the real server) and what it emitted. */
const record = (
  options: Omit<ClientOptions<ClientTransportName>, "transport">,
  registry = transportsWithSocketIo,
) => recordOn({ ...options, transport: "socketio" }, platform, registry);

/** The WebSocket frame a `message` event of `envelope` arrives in: `42["message",<envelope>]`. */
const messageFrameBytes = ({ channel, seq, time, data }: Envelope) =>
  wsFrameBytes(Buffer.byteLength(`42["message",${JSON.stringify({ channel, seq, time, data })}]`), false);

describe("transport contract: node socketio (socket.io-client against the lab's Socket.IO endpoint)", () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0, historySize: 20_000 });
  });
  afterAll(async () => {
    await srv.close(300);
  });

  it("delivers thousands of messages in order, exactly once, while the server cuts every connection repeatedly", async () => {
    const channel = "exact-sio";
    const r = record({ baseUrl: srv.url, channel, cursor: "earliest", ...FAST });
    try {
      await waitFor("open", () => r.client.state.kind === "open");
      await api("POST", `${srv.url}/api/channels/${channel}/generator`, { rate: 3000, payloadBytes: 64 });
      let cuts = 0;
      // Cut for a second and until the generator is past 2,000 (a loaded machine generates fewer
      // than 3,000 a second), at most 200 times.
      const started = Date.now();
      for (let i = 0; i < 200; i++) {
        await sleep(60);
        cuts += (await api<{ disconnected: number }>("POST", `${srv.url}/api/channels/${channel}/disconnect`))
          .json.disconnected;
        if (Date.now() - started >= 1000 && (await channelInfo(srv.url, channel)).seq > 2000) break;
      }
      await api("POST", `${srv.url}/api/channels/${channel}/generator`, { rate: 0 });
      const n = (await channelInfo(srv.url, channel)).seq;
      expect(n).toBeGreaterThan(2000);
      await waitFor(`${n} messages`, () => r.seqs.length >= n, 15_000);
      await sleep(100);
      expect(r.seqs).toEqual(range(1, n));
      expect(r.client.delivery).toMatchObject({ delivered: n, duplicates: 0, gaps: 0, resets: 0, lost: 0 });
      const drops = r.states.filter((s) => s.kind === "reconnecting");
      expect(cuts).toBeGreaterThan(0);
      expect(drops.length).toBe(cuts);
      // The server closes the Engine.IO connection: Socket.IO's "transport close".
      expect(new Set(drops.map((s) => s.kind === "reconnecting" && s.reason))).toEqual(
        new Set(["server_closed"]),
      );
      expect(r.client.snapshot().transports.socketio?.extras.drops).toBe(drops.length);
    } finally {
      await r.client.close();
    }
  });

  it("resumes from its cursor after its own connection is killed (network fault below HTTP)", async () => {
    const channel = "kill-sio";
    const proxy = await startFaultProxy(srv.port);
    const r = record({ baseUrl: proxy.url, channel, ...FAST });
    try {
      await waitFor("open", () => r.client.state.kind === "open");
      await publishMany(srv.url, channel, 3);
      await waitFor("3 messages", () => r.seqs.length === 3);
      expect(proxy.cut()).toBeGreaterThan(0);
      await publishMany(srv.url, channel, 3);
      await waitFor("6 messages", () => r.seqs.length === 6, 8000);
      expect(r.seqs).toEqual(range(1, 6));
      // Socket.IO reports a reset connection as it does a closed one ("transport close").
      expect(r.states.filter((s) => s.kind === "reconnecting")).toHaveLength(1);
    } finally {
      await r.client.close();
      await proxy.close();
    }
  });

  it("surfaces a reset beyond history with the seqs it skipped, then continues from the oldest retained", async () => {
    const small = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0, historySize: 5 });
    const channel = "reset-sio";
    try {
      await publishMany(small.url, channel, 12);
      const { epoch } = await channelInfo(small.url, channel);
      const r = record({ baseUrl: small.url, channel, cursor: formatCursor(epoch, 2), ...FAST });
      const resets: { reason: string; lost: number }[] = [];
      r.client.on("reset", (reset) => resets.push(reset));
      try {
        await waitFor("5 messages", () => r.seqs.length === 5);
        expect(r.seqs).toEqual(range(8, 12));
        expect(resets).toEqual([
          expect.objectContaining({ reason: "expired", lost: 5, transport: "socketio" }),
        ]);
      } finally {
        await r.client.close();
      }
    } finally {
      await small.close(300);
    }
  });

  it("publishes with an ack, counts its requests and computes its bytes from the Engine.IO framing", async () => {
    const channel = "pub-sio";
    const r = record({ baseUrl: srv.url, channel, ...FAST, wireLogSize: 500 });
    try {
      await waitFor("open", () => r.client.state.kind === "open");
      // The explainer's default client: long polling first, then the upgrade probe.
      await waitFor("the upgrade", () => r.client.wireEvents().some((e) => e.summary === "5 upgrade"));
      const before = r.client.metrics();
      const result = await r.client.publish({ hello: "sio" });
      expect(result.seq).toBe(1);
      await waitFor("its echo", () => r.seqs.length === 1);
      const more = await publishMany(srv.url, channel, 5);
      await waitFor("6 messages", () => r.seqs.length === 6);
      expect(more).toBe(6);
      const after = r.client.metrics();
      expect(after.publishes - before.publishes).toBe(1);
      // Exactly the six `42["message",…]` frames came in since (no ping falls in so short a window),
      // plus the publish's ack; its event went out masked.
      const ack = wsFrameBytes(
        Buffer.byteLength(`430[{"seq":1,"cursor":"${r.client.cursor?.replace(/:6$/, ":1")}"}]`),
        false,
      );
      expect(after.bytesIn.bytes - before.bytesIn.bytes).toBe(
        r.envelopes.reduce((n, e) => n + messageFrameBytes(e), 0) + ack,
      );
      expect(after.bytesIn.source).toBe("computed");
      expect(after.bytesOut.bytes - before.bytesOut.bytes).toBe(
        wsFrameBytes(Buffer.byteLength('420["publish",{"hello":"sio"}]'), true),
      );
      const summaries = r.client.wireEvents().map((e) => e.summary);
      expect(summaries).toEqual(
        expect.arrayContaining([
          "GET (long-polling)",
          "0 open (upgrades websocket, ping every 25 s)",
          "GET websocket handshake (upgrade probe)",
          "101 Switching Protocols",
          "2probe ping",
          "3probe pong",
          "5 upgrade",
          '42["message",…] #6',
          "430 ack",
        ]),
      );
      // The handshake GET, at least one more long-polling request, and the WebSocket upgrade.
      expect(after.httpRequests).toBeGreaterThanOrEqual(3);
      expect(r.client.metrics().latency.count).toBe(0); // FAST has the clock off: no latency without it
    } finally {
      await r.client.close();
    }
  });

  it("connects WebSocket-only when asked (the benchmarks' configuration): one handshake, no long polling", async () => {
    const channel = "ws-only-sio";
    const registry = {
      ...transportsWithSocketIo,
      socketio: createSocketIoTransport({ websocketOnly: true }),
    };
    const r = record({ baseUrl: srv.url, channel, ...FAST, wireLogSize: 200 }, registry);
    try {
      await waitFor("open", () => r.client.state.kind === "open");
      await publishMany(srv.url, channel, 3);
      await waitFor("3 messages", () => r.seqs.length === 3);
      const summaries = r.client.wireEvents().map((e) => e.summary);
      expect(summaries.slice(0, 3)).toEqual([
        "GET websocket handshake",
        "101 Switching Protocols",
        "0 open (upgrades none, ping every 25 s)",
      ]);
      expect(summaries.filter((s) => s.includes("long-polling") || s.includes("probe"))).toEqual([]);
      expect(r.client.metrics().httpRequests).toBe(1);
    } finally {
      await r.client.close();
    }
  });

  it("takes its clock samples over the connection (the `time` ack), then records latency", async () => {
    const channel = "clock-sio";
    const r = record({ baseUrl: srv.url, channel, ...FAST, clock: true, clockSamples: 3 });
    try {
      await waitFor("a clock", () => r.client.clock !== null, 5000);
      await publishMany(srv.url, channel, 3);
      await waitFor("3 messages", () => r.seqs.length === 3);
      expect(r.client.metrics().latency.count).toBe(3);
      expect(r.client.snapshot().transports.socketio?.extras.clockRequests).toBe(0);
    } finally {
      await r.client.close();
    }
  });

  it("treats a refused handshake as fatal (a cursor beyond the head) and closes cleanly", async () => {
    // A server of its own: an Engine.IO polling session of an earlier test whose TCP connections
    // were cut stays held until its ping timeout (25 s + 20 s), so a shared server's count may be
    // one higher for that long.
    const own = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0 });
    const channel = "fatal-sio";
    try {
      await publishMany(own.url, channel, 1);
      const { epoch } = await channelInfo(own.url, channel);
      const r = record({ baseUrl: own.url, channel, cursor: formatCursor(epoch, 99), ...FAST });
      await waitFor("closed", () => r.client.state.kind === "closed");
      expect(r.client.state).toMatchObject({
        kind: "closed",
        reason: "fatal",
        detail: "http_error: 400 bad_cursor",
      });
      const ok = record({ baseUrl: own.url, channel, ...FAST });
      await waitFor("open", () => ok.client.state.kind === "open");
      const held = async () =>
        (await api<ServerMetrics>("GET", `${own.url}/api/metrics`)).json.transports.socketio?.connections;
      // Exactly one: the refused handshake holds none.
      expect(await held()).toBe(1);
      await ok.client.close();
      await waitFor("no connection held", async () => (await held()) === 0);
    } finally {
      await own.close(300);
    }
  });
});
