import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ChannelInfo, ServerMetrics } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { eventually, request, withServer } from "./helpers.ts";

/** Runs a command without blocking the event loop (the server under test runs in this process). */
const run = promisify(execFile);

describe("plain endpoints", () => {
  it("/healthz, /api/time, /api/channels and /api/channels/:ch answer as documented", async () => {
    await withServer({}, async (h) => {
      expect(await request(`${h.url}/healthz`)).toMatchObject({ status: 200, body: { status: "ok" } });
      const before = Date.now();
      const time = await request<{ time: number }>(`${h.url}/api/time`);
      expect(Object.keys(time.body)).toEqual(["time"]);
      expect(time.body.time).toBeGreaterThanOrEqual(before - 1000);
      expect(time.body.time).toBeLessThanOrEqual(Date.now() + 1000);

      await h.publishMany("news", 3);
      const list = await request<{ channels: ChannelInfo[] }>(`${h.url}/api/channels`);
      expect(list.status).toBe(200);
      expect(list.body.channels.map((c) => c.channel).sort()).toEqual(["chat", "news"]);
      const news = await h.info("news");
      expect(news).toEqual({
        channel: "news",
        epoch: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
        seq: 3,
        oldestSeq: 1,
        subscribers: { ws: 0, sse: 0, longPoll: 0 },
        generator: { rate: 0, payloadBytes: 64, running: false },
      });
      expect(list.body.channels.find((c) => c.channel === "news")).toEqual(news);
      const chat = await h.info("chat");
      expect(chat).toMatchObject({ channel: "chat", seq: 0, oldestSeq: 1 });
      expect(chat.epoch).not.toBe(news.epoch);
    });
  });

  it("/api/metrics counts requests, messages and bytes per transport; /metrics is Prometheus text", async () => {
    await withServer({}, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      const curl = h.curl("chat");
      await curl.events.next();
      const { cursor } = await h.poll("chat");
      await h.publishMany("chat", 3);
      const wsRaw = [await ws.nextRaw(), await ws.nextRaw(), await ws.nextRaw()];
      const sse = await curl.events.take(3);
      const poll = await request(h.channelUrl("chat", "poll", { cursor }));
      const longPoll = await request(h.channelUrl("chat", "long-poll", { cursor }));

      const m = await h.metrics();
      expect(m.transports.ws).toEqual({
        connections: 1,
        requests: 1,
        messagesOut: 3,
        bytesOut: wsRaw.reduce((n, r) => n + Buffer.byteLength(r), 0),
        errors: 0,
      });
      expect(m.transports.sse).toEqual({
        connections: 1,
        requests: 1,
        messagesOut: 3,
        // Message events only: `<raw>\n\n` each.
        bytesOut: sse.reduce((n, e) => n + Buffer.byteLength(`${e.raw}\n\n`), 0),
        errors: 0,
      });
      expect(m.transports.poll).toEqual({
        connections: 0,
        requests: 2,
        messagesOut: 3,
        bytesOut: Buffer.byteLength(poll.text) + Buffer.byteLength(`{"cursor":"${cursor}","messages":[]}`),
        errors: 0,
      });
      expect(m.transports.longPoll).toEqual({
        connections: 0,
        requests: 1,
        messagesOut: 3,
        bytesOut: Buffer.byteLength(longPoll.text),
        errors: 0,
      });
      expect(m.publishes).toEqual({ http: 3, ws: 0, generator: 0, rateLimited: 0, plainWs: 0, socketio: 0 });
      expect(m.channels).toBe(1);
      // Each retained envelope is its WebSocket frame without the `"type":"message",` key.
      const retained = wsRaw.reduce((n, r) => n + Buffer.byteLength(r) - '"type":"message",'.length, 0);
      expect(m.retained).toEqual({ bytes: retained, maxBytes: 64 * 2 ** 20, maxChannelBytes: 16 * 2 ** 20 });
      expect(m.process).toEqual({
        rss: expect.any(Number),
        heapUsed: expect.any(Number),
        cpu: expect.any(Number),
        eventLoopDelayP99: expect.any(Number),
      });
      expect(m.process.rss).toBeGreaterThan(m.process.heapUsed);
      expect(m.uptime).toBeGreaterThanOrEqual(0);

      const prom = await fetch(`${h.url}/metrics`);
      expect(prom.status).toBe(200);
      expect(prom.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await prom.text();
      expect(text).toContain("# TYPE transport_lab_requests_total counter");
      expect(text).toMatch(/^transport_lab_requests_total\{transport="ws"\} 1$/m);
      expect(text).toMatch(/^transport_lab_requests_total\{transport="poll"\} 2$/m);
      expect(text).toMatch(/^transport_lab_messages_out_total\{transport="sse"\} 3$/m);
      expect(text).toMatch(/^transport_lab_connections\{transport="ws"\} 1$/m);
      expect(text).toMatch(/^transport_lab_publishes_total\{source="http"\} 3$/m);
      expect(text).toMatch(/^transport_lab_channels 1$/m);
      expect(text).toMatch(new RegExp(`^transport_lab_retained_bytes ${retained}$`, "m"));
      expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
      // Every sample line is `name{labels} number`.
      for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) {
        expect(line).toMatch(/^[a-z_][a-z0-9_]*(\{[a-z_]+="[A-Za-z_]+"\})? -?[0-9.e+-]+$/);
      }

      ws.socket.close();
      curl.kill();
      await eventually(async () => {
        const after = await h.metrics();
        expect([after.transports.ws.connections, after.transports.sse.connections]).toEqual([0, 0]);
      });
    });
  });

  it("SSE answers with the documented headers and `: ping` keep-alive comments", async () => {
    await withServer({ sseKeepAliveMs: 100 }, async (h) => {
      const curl = h.curl("chat", {}, { includeHeaders: true });
      expect((await curl.events.next()).event).toBe("hello");
      const ping = await curl.events.next(1000);
      expect(ping).toMatchObject({ event: "comment", raw: ": ping" });
      const head = curl.output().slice(0, curl.output().indexOf("\r\n\r\n")).toLowerCase();
      expect(head).toMatch(/^http\/1\.1 200/);
      expect(head).toContain("content-type: text/event-stream");
      expect(head).toContain("cache-control: no-cache, no-transform");
      expect(head).toContain("x-accel-buffering: no");
    });
  });

  it("serves a placeholder page at / without a web build, and the build (with SPA fallback) with one", async () => {
    await withServer({}, async (h) => {
      const res = await fetch(`${h.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain("Transport Lab");
    });
    const outer = mkdtempSync(join(tmpdir(), "tl-static-"));
    const dir = join(outer, "dist");
    try {
      mkdirSync(join(dir, "assets"), { recursive: true });
      writeFileSync(join(outer, "secret.txt"), "SECRET");
      writeFileSync(join(dir, "index.html"), "<!doctype html><title>built app</title>");
      writeFileSync(join(dir, "assets", "app-abc123.js"), "console.log(1)");
      writeFileSync(join(dir, ".env"), "SECRET=1");
      mkdirSync(join(dir, ".git"));
      writeFileSync(join(dir, ".git", "config"), "SECRET");
      writeFileSync(join(dir, "assets", ".app.js.swp"), "SECRET");
      await withServer({ staticDir: dir }, async (h) => {
        expect(await (await fetch(`${h.url}/`)).text()).toContain("built app");
        expect(await (await fetch(`${h.url}/compare/ws`)).text()).toContain("built app");
        const asset = await fetch(`${h.url}/assets/app-abc123.js`);
        expect(await asset.text()).toBe("console.log(1)");
        expect(asset.headers.get("cache-control")).toContain("immutable");
        // No way out of the build directory, however the path is spelled (curl sends it as is).
        for (const path of [
          "/../secret.txt",
          "/..%2fsecret.txt",
          "/%2e%2e/secret.txt",
          "/assets/..%2f..%2fsecret.txt",
        ]) {
          const { stdout } = await run("/usr/bin/curl", ["-s", "--path-as-is", h.url + path]);
          expect(stdout, path).not.toContain("SECRET");
        }
        // Dotfiles in the build directory are not served, however the path is spelled.
        for (const path of ["/.env", "/.git/config", "/assets/.app.js.swp", "/%2eenv", "/.git/"]) {
          const res = await request(`${h.url}${path}`);
          expect({ path, status: res.status, secret: res.text.includes("SECRET") }).toEqual({
            path,
            status: 404,
            secret: false,
          });
        }
        const api = await request(`${h.url}/api/nope`);
        expect(api.status).toBe(404);
        expect(api.body).toMatchObject({ error: { code: "not_found" } });
        expect((await request<ServerMetrics>(`${h.url}/api/metrics`)).status).toBe(200);
      });
    } finally {
      rmSync(outer, { recursive: true, force: true });
    }
  });
});
