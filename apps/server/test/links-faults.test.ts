import type { PollResponse, ServerMetrics } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { openEventSource, openWs, refusedWs } from "./clients.ts";
import { request, sleep, withServer } from "./helpers.ts";
import { maskedTextFrame, RawHttp, upgradeRequest } from "./raw-http.ts";

// The four fault links, checked from outside: the bytes a raw client sees, and when.
const headEnd = (all: Buffer) => all.indexOf("\r\n\r\n") >= 0;
const metrics = async (url: string) => (await request<ServerMetrics>(`${url}/api/metrics`)).body;

describe("ws-blocked", () => {
  it("refuses the upgrade with 403 before the server sees it; plain HTTP passes", async () => {
    await withServer({}, async (h) => {
      const raw = await RawHttp.open(h.server.port);
      raw.write(upgradeRequest("/link/ws-blocked/api/channels/chat/ws"));
      const answer = (await raw.readUntil(headEnd)).toString("latin1");
      expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(answer).toContain("Connection: close");
      await raw.ended;
      expect((await refusedWs(h.wsUrl("chat").replace("/api/", "/link/ws-blocked/api/"))).status).toBe(403);
      const m = await metrics(h.url);
      expect(m.transports.ws).toMatchObject({ requests: 0, connections: 0 });
      await h.publish("chat", "through");
      const poll = await request<PollResponse>(
        `${h.url}/link/ws-blocked/api/channels/chat/poll?cursor=earliest`,
      );
      expect(poll.body.messages.map((e) => e.data)).toEqual(["through"]);
    });
  });
});

describe("ws-dropped", () => {
  it("completes the upgrade, then passes no frame either way while the socket stays open", async () => {
    await withServer({}, async (h) => {
      const raw = await RawHttp.open(h.server.port);
      raw.write(upgradeRequest("/link/ws-dropped/api/channels/chat/ws"));
      const head = (await raw.readUntil(headEnd)).toString("latin1");
      expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      expect(head.endsWith("\r\n\r\n")).toBe(true); // nothing after the head: no hello frame
      // The server holds a session and sends the hello, a message and a pong; none of it arrives.
      await h.publish("chat", "lost");
      raw.write(maskedTextFrame(JSON.stringify({ type: "ping", ref: 1 })));
      raw.write(maskedTextFrame(JSON.stringify({ type: "publish", data: "never" })));
      await sleep(300);
      expect(raw.chunks.size).toBe(0);
      // Nor did the client's frames reach the server: its publish was never numbered.
      expect((await h.info("chat")).seq).toBe(1);
      const m = await metrics(h.url);
      expect(m.publishes.ws).toBe(0);
      expect(m.transports.ws.connections).toBe(1);
      expect(raw.socket.destroyed).toBe(false);
      raw.close();
    });
  });

  it("looks open to a real client until the server's heartbeat gives up on the missing pongs", async () => {
    await withServer({ heartbeatMs: 200 }, async (h) => {
      const url = (link: string) => h.wsUrl("chat").replace("/api/", `/link/${link}/api/`);
      const dropped = await openWs(url("ws-dropped"));
      const healthy = await openWs(url("lan"));
      const opened = performance.now();
      dropped.send({ type: "ping", ref: 1 });
      await expect(dropped.next(300)).rejects.toThrow(/timed out/);
      // `ws` answers the server's pings by itself: over lan they get through, over ws-dropped they vanish.
      const { code } = await dropped.closed;
      const closedAfter = performance.now() - opened;
      expect(code).toBe(1006);
      expect(closedAfter).toBeGreaterThan(200);
      expect(closedAfter).toBeLessThan(1500);
      expect((await healthy.next()).type).toBe("hello");
      await sleep(600);
      expect(healthy.socket.readyState).toBe(healthy.socket.OPEN);
    });
  });
});

describe("buffering-proxy", () => {
  it("holds an event stream until 16 KiB have piled up, headers included", async () => {
    await withServer({}, async (h) => {
      const raw = await RawHttp.open(h.server.port);
      raw.write(
        "GET /link/buffering-proxy/api/channels/chat/sse?cursor=earliest HTTP/1.1\r\nHost: x\r\n\r\n",
      );
      for (let i = 0; i < 5; i++) await h.publish("chat", `small ${i}`);
      const big = "b".repeat(4000);
      for (let i = 0; i < 3; i++) await h.publish("chat", big);
      await sleep(300);
      expect(raw.chunks.size).toBe(0); // ~13 KB written by the server, nothing through the proxy
      const crossed = performance.now();
      await h.publish("chat", big); // now over 16 KiB
      const first = await raw.chunks.next(2000, "the buffered stream");
      expect(first.at).toBeGreaterThanOrEqual(crossed);
      const all = await raw.readUntil((b) => b.length + first.data.length >= 16 * 1024, 2000);
      const text = Buffer.concat([first.data, all]).toString("latin1");
      expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(text).toContain("event: hello");
      expect(text.split(`"data":"${big}"`).length - 1).toBe(4);
      raw.close();
    });
  });

  it("lets long polling through (each answer ends) and answers a WebSocket upgrade as a plain GET", async () => {
    await withServer({}, async (h) => {
      const { seq } = await h.publish("chat", "first");
      const info = await h.info("chat");
      const cursor = `${info.epoch}:${seq}`;
      const held = request<PollResponse>(
        `${h.url}/link/buffering-proxy/api/channels/chat/long-poll?cursor=${cursor}&timeout=5000`,
      );
      await sleep(100);
      const published = performance.now();
      await h.publish("chat", "second");
      const answer = await held;
      expect(performance.now() - published).toBeLessThan(1000);
      expect(answer.body.messages.map((e) => e.data)).toEqual(["second"]);

      const raw = await RawHttp.open(h.server.port);
      raw.write(upgradeRequest("/link/buffering-proxy/api/channels/chat/ws"));
      const text = (await raw.rest()).toString("latin1");
      expect(text).toMatch(/^HTTP\/1\.1 426 /);
      expect(text).toContain('"code":"upgrade_required"');
    });
  });
});

describe("idle-timeout", () => {
  const IDLE = 400;

  it("cuts a connection nothing has crossed for the idle time", async () => {
    await withServer({ linkIdleTimeoutMs: IDLE }, async (h) => {
      const raw = await RawHttp.open(h.server.port);
      expect((await raw.get("/link/idle-timeout/api/time")).status).toBe(200);
      const lastByte = performance.now();
      const closed = (await raw.ended) - lastByte;
      expect(closed).toBeGreaterThan(IDLE - 50);
      expect(closed).toBeLessThan(IDLE + 500);
    });
  });

  it("keeps WebSocket and SSE alive when heartbeats come more often than the idle time", async () => {
    await withServer({ linkIdleTimeoutMs: IDLE, heartbeatMs: 150, sseKeepAliveMs: 150 }, async (h) => {
      const ws = await openWs(h.wsUrl("chat").replace("/api/", "/link/idle-timeout/api/"));
      const es = await openEventSource(
        h.channelUrl("chat", "sse").replace("/api/", "/link/idle-timeout/api/"),
      );
      await sleep(3 * IDLE);
      await h.publish("chat", "still here");
      expect((await ws.next()).type).toBe("hello");
      expect(await ws.next()).toMatchObject({ type: "message", data: "still here" });
      expect((await es.events.next()).type).toBe("hello");
      expect((await es.events.next()).data).toContain("still here");
      expect(es.errors).toBe(0);
      ws.socket.terminate();
      es.close();
    });
  });

  it("cuts WebSocket, SSE and a held long-poll whose silence outlasts it", async () => {
    await withServer({ linkIdleTimeoutMs: IDLE, heartbeatMs: 60_000, sseKeepAliveMs: 60_000 }, async (h) => {
      const t0 = performance.now();
      const ws = await openWs(h.wsUrl("chat").replace("/api/", "/link/idle-timeout/api/"));
      const sse = await RawHttp.open(h.server.port);
      sse.write("GET /link/idle-timeout/api/channels/chat/sse HTTP/1.1\r\nHost: x\r\n\r\n");
      const poll = await RawHttp.open(h.server.port);
      // Settled at once into a value: it fails while the other connections are still awaited below.
      const held = poll.get("/link/idle-timeout/api/channels/chat/long-poll?timeout=5000").then(
        () => "answered",
        (err: Error) => err.message,
      );
      const wsClosed = await ws.closed;
      expect(wsClosed.code).toBe(1006);
      for (const at of [performance.now(), await sse.ended, await poll.ended]) {
        expect(at - t0).toBeGreaterThan(IDLE - 50);
        expect(at - t0).toBeLessThan(IDLE + 700);
      }
      expect(await held).toMatch(/inbox ended/); // cut without an answer
    });
  });
});

describe("a malformed request through a link", () => {
  // Node answers a request it cannot parse (here: a body with no length, read as the next
  // request) with 400 and destroys the socket; that answer crossed the fault links before it
  // was dropped with the socket (found by fuzz.test.ts).
  for (const path of ["/x", "/link/lan/x", "/link/buffering-proxy/x", "/link/3g/x"]) {
    it(`${path}: still gets Node's 400 before the connection closes`, async () => {
      await withServer({}, async (h) => {
        const raw = await RawHttp.open(h.server.port);
        h.defer(() => raw.close());
        let text = "";
        raw.socket.on("data", (d: Buffer) => {
          text += d.toString("latin1");
        });
        raw.write(`OPTIONS ${path} HTTP/1.1\r\nHost: x\r\n\r\n{"rate":1}`);
        await raw.ended;
        expect(text).toBe("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      });
    });
  }
});
