import http from "node:http";
import { ERROR_CODES, type ErrorCode, type PollResponse } from "@transport-lab/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openWs } from "./clients.ts";
import { type Harness, request, withServer } from "./helpers.ts";

/**
 * Property-based fuzzing of every HTTP endpoint and every WebSocket frame type against one
 * server with small limits. Seeded, so a failure replays exactly (fast-check prints the seed and
 * the shrunk case); bounded in count so CI stays short.
 */

const SEED = 20261201;
const HTTP_RUNS = 2000;
const WS_RUNS = 1500;

/** The status each error code is documented with (docs/protocol.md §13); WS-only codes have none. */
const STATUS: Partial<Record<ErrorCode, number[]>> = {
  bad_json: [400],
  bad_cursor: [400],
  bad_channel: [400],
  bad_param: [400],
  upgrade_required: [426],
  unauthorized: [401],
  forbidden_origin: [403],
  not_found: [404],
  payload_too_large: [413],
  unsupported_media_type: [415],
  rate_limited: [429],
  connection_limit: [503],
  channel_limit: [503],
  shutting_down: [503],
};

const LIMITS = {
  rateLimit: 0,
  historySize: 50,
  maxBodyBytes: 2048,
  maxPollBytes: 4096,
  maxChannelBytes: 16 * 1024,
  maxRetainedBytes: 64 * 1024,
  maxChannels: 30,
  maxConnectionsPerAddress: 50,
  adminToken: "fuzz-admin",
};

const channelName = fc.oneof(
  { arbitrary: fc.constantFrom("chat", "a", "b-1", "fuzz", "x".repeat(64)), weight: 6 },
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/),
  fc.string({ maxLength: 70 }),
  fc.constantFrom("", "-x", "A", "x".repeat(65), "%E0%A4%A", "..", "%2e%2e", "a b"),
);
const cursor = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("earliest", "", ":", "a:b", "E:01", "E:-1", "x:9999999999999999999"),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), fc.nat(200)).map(([e, s]) => `${e}:${s}`),
  fc.string({ maxLength: 40 }),
);
const timeout = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("1", "30", "0", "60001", "0x10", " 5", "1e3", "-1", "abc"),
  fc.integer({ min: 1, max: 60 }).map(String),
);
const body = fc.oneof(
  fc.constant(undefined),
  { weight: 6, arbitrary: fc.json().map((j) => `{"data":${j}}`) },
  fc.json(),
  fc
    .record({
      rate: fc.double({ min: -10, max: 6000, noNaN: true }),
      payloadBytes: fc.integer({ min: -5, max: 70000 }),
    })
    .map((r) => JSON.stringify(r)),
  fc.string({ maxLength: 200 }),
  fc.nat(4000).map((n) => `{"data":"${"z".repeat(n)}"}`),
  fc.nat(3000).map((n) => `{"data":${"[".repeat(n)}${"]".repeat(n)}}`),
  fc.constantFrom("", "\u0000", '{"data":1}{"data":2}', '{"__proto__":{"data":1}}', '{"data":"\\ud800"}'),
);
/** `?client=` on transport requests: valid ids, near misses and garbage (the class roster). */
const clientId = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  fc.stringMatching(/^[A-Za-z0-9_-]{8,32}$/),
  fc.constantFrom("page-1234abcd", "short", "x".repeat(33), "has space!", "", "%00%00%00%00%00%00%00%00"),
  fc.string({ maxLength: 40 }),
);
/** Links of the fuzz server's table (fast ones: a slow link would make each case take seconds), and names of none. */
const linkName = fc.constantFrom(
  "lan",
  "loopback",
  "ws-blocked",
  "ws-dropped",
  "buffering-proxy",
  "idle-timeout",
  "nope",
  "LAN",
  "%6can",
  "",
  "lan%2f..",
);
const endpoint = fc.constantFrom(
  "",
  "messages",
  "messages",
  "messages",
  "generator",
  "disconnect",
  "poll",
  "poll",
  "long-poll",
  "sse",
  "ws",
  "nope",
);
const path = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({ ch: channelName, endpoint, cursor, timeout, client: clientId })
      .map(({ ch, endpoint: ep, cursor: cu, timeout: to, client }) => {
        const q = new URLSearchParams();
        if (cu !== undefined) q.set("cursor", cu);
        if (to !== undefined && ep === "long-poll") q.set("timeout", to);
        if (client !== undefined) q.set("client", client);
        const qs = q.toString();
        return `/api/channels/${encodeURIComponent(ch)}${ep ? `/${ep}` : ""}${qs ? `?${qs}` : ""}`;
      }),
  },
  fc.constantFrom(
    "/healthz",
    "/api/time",
    "/api/channels",
    "/api/metrics",
    "/metrics",
    "/api/admin",
    "/api/links",
    "/api/class",
    "/api/class?client=page-1234abcd",
    "/link/",
    "/link/lan",
    "/link//api/time",
    "/",
    "/.env",
    "/api/",
  ),
  fc.webPath().map((p) => (p.startsWith("/") ? p : `/${p}`)),
);
/** Any of those paths, some of them under `/link/<name>`. */
const linkedPath = fc.oneof(
  { weight: 4, arbitrary: path },
  fc.tuple(linkName, path).map(([name, p]) => `/link/${name}${p}`),
);
const header = (values: fc.Arbitrary<string>) => fc.option(values, { nil: undefined });
const httpCase = fc.record({
  method: fc.constantFrom(
    "GET",
    "GET",
    "GET",
    "POST",
    "POST",
    "POST",
    "PUT",
    "DELETE",
    "HEAD",
    "OPTIONS",
    "PATCH",
  ),
  path: linkedPath,
  body,
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8") },
    {
      weight: 1,
      arbitrary: fc.constantFrom(undefined, "text/plain", "application/x-www-form-urlencoded", ""),
    },
  ),
  origin: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom("http://evil.example", "null", "http://127.0.0.1:1") },
  ),
  authorization: header(fc.constantFrom("Bearer fuzz-admin", "Bearer wrong", "fuzz-admin", "")),
  lastEventId: header(fc.oneof(fc.constantFrom("earliest", "garbage"), fc.string({ maxLength: 30 }))),
});

type HttpCase = typeof httpCase extends fc.Arbitrary<infer T> ? T : never;

/** Sends one case and reads at most the start of its answer (streams are cut after their head). */
function send(h: Harness, c: HttpCase) {
  return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (c.contentType !== undefined) headers["content-type"] = c.contentType;
    if (c.origin !== undefined) headers.origin = c.origin;
    if (c.authorization !== undefined) headers.authorization = c.authorization;
    if (c.lastEventId !== undefined) headers["last-event-id"] = c.lastEventId.replace(/[\r\n]/g, "");
    const req = http.request(`${h.url}${c.path}`, { method: c.method, headers, agent: false });
    // A held long-poll sends nothing until it is answered, nor does an SSE stream behind the
    // buffering proxy until 16 KiB: held is a valid answer (status 0).
    const held =
      c.method === "GET" &&
      (/\/long-poll(\?|$)/.test(c.path) ||
        (c.path.startsWith("/link/buffering-proxy/") && /\/sse(\?|$)/.test(c.path)));
    const timer = setTimeout(
      () => {
        if (!held) return req.destroy(new Error(`no answer within 5 s: ${c.method} ${c.path}`));
        req.destroy();
        resolve({ status: 0, type: "", text: "" });
      },
      held ? 300 : 5000,
    );
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err); // a no-op once resolved
    });
    req.on("response", (res) => {
      let text = "";
      const type = String(res.headers["content-type"] ?? "");
      res.setEncoding("utf8");
      const done = () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, type, text });
      };
      // A held stream or long-poll: its status and head are the answer; do not wait it out.
      const hold = setTimeout(() => {
        res.destroy();
        done();
      }, 150);
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => {
        clearTimeout(hold);
        done();
      });
      res.on("error", () => {});
    });
    req.end(c.body !== undefined && c.method !== "GET" && c.method !== "HEAD" ? c.body : undefined);
  });
}

/** Every channel's retained log read back through the poll endpoint: seqs oldestSeq..seq, no gap. */
async function expectGaplessLogs(h: Harness) {
  const { channels } = (
    await request<{ channels: { channel: string; seq: number; oldestSeq: number }[] }>(
      `${h.url}/api/channels`,
    )
  ).body;
  for (const ch of channels) {
    const seqs: number[] = [];
    let cur = "earliest";
    for (let page = 0; page < 100; page++) {
      const answer = (await request<PollResponse>(h.channelUrl(ch.channel, "poll", { cursor: cur }))).body;
      seqs.push(...answer.messages.map((m) => m.seq));
      cur = answer.cursor;
      if (!answer.more) break;
    }
    const expected = Array.from({ length: ch.seq - ch.oldestSeq + 1 }, (_, i) => ch.oldestSeq + i);
    expect(seqs.slice(0, expected.length), ch.channel).toEqual(expected);
  }
}

describe("fuzz", () => {
  it(`${HTTP_RUNS} seeded HTTP requests: no 5xx, documented status per error code, healthy, logs gapless`, {
    timeout: 180_000,
  }, async () => {
    await withServer(LIMITS, async (h) => {
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(httpCase, async (c) => {
          const res = await send(h, c);
          seen.set(String(res.status), (seen.get(String(res.status)) ?? 0) + 1);
          expect(res.status, `${c.method} ${c.path}`).toBeLessThan(500);
          if (res.status >= 400 && c.method !== "HEAD" && res.text !== "") {
            expect(res.type).toMatch(/^application\/json/);
            const parsed = JSON.parse(res.text) as { error: { code: ErrorCode; message: string } };
            expect(ERROR_CODES).toContain(parsed.error.code);
            expect(typeof parsed.error.message).toBe("string");
            expect(STATUS[parsed.error.code], parsed.error.code).toContain(res.status);
          }
        }),
        { seed: SEED, numRuns: HTTP_RUNS, endOnFailure: true },
      );
      console.log(`fuzz HTTP statuses: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
      expect((await request(`${h.url}/healthz`)).status).toBe(200);
      // All cases came from one address: the roster kept at most its share of their ids.
      const roster = await request<{ clients: number }>(`${h.url}/api/class`);
      expect(roster.status).toBe(200);
      expect(roster.body.clients).toBeLessThanOrEqual(LIMITS.maxConnectionsPerAddress);
      await expectGaplessLogs(h);
    });
  });

  const frame = fc.oneof(
    fc
      .record({
        type: fc.constant("publish"),
        data: fc.json().map((j) => JSON.parse(j)),
        ref: fc.option(fc.oneof(fc.string({ maxLength: 140 }), fc.double()), { nil: undefined }),
      })
      .map((f) => JSON.stringify(f)),
    fc
      .record({
        type: fc.constant("ping"),
        ref: fc.option(fc.oneof(fc.string({ maxLength: 140 }), fc.integer()), { nil: undefined }),
      })
      .map((f) => JSON.stringify(f)),
    fc.json(),
    fc.string({ maxLength: 300 }),
    fc.nat(2000).map((n) => `{"type":"publish","data":${"[".repeat(n)}${"]".repeat(n)}}`),
    fc.nat(6000).map((n) => JSON.stringify({ type: "publish", data: "d".repeat(n) })),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  );

  it(`${WS_RUNS} seeded WebSocket frames: documented answers and close codes only, healthy, logs gapless`, {
    timeout: 180_000,
  }, async () => {
    await withServer({ ...LIMITS, maxFrameBytes: 4096 }, async (h) => {
      // Each socket after a close opens the next way: plain, through a link, announcing a roster id.
      const wsBase = h.url.replace(/^http/, "ws");
      const urls = [
        `${wsBase}/link/lan/api/channels/fuzz/ws?client=fuzz-page-0001`,
        h.wsUrl("fuzz"),
        `${wsBase}/link/loopback/api/channels/fuzz/ws`,
        h.wsUrl("fuzz", { client: "fuzz-page-0002" }),
      ];
      let opened = 0;
      const open = async () => {
        const socket = await openWs(urls[opened++ % urls.length] as string);
        await socket.next(); // hello
        return socket;
      };
      let ws = await open();
      h.defer(() => ws.socket.terminate());
      let closes = 0;
      await fc.assert(
        fc.asyncProperty(frame, async (f) => {
          if (ws.socket.readyState !== 1) ws = await open();
          const marker = `m${Math.random()}`;
          if (typeof f === "string") ws.socket.send(f);
          else ws.socket.send(f, { binary: true });
          ws.socket.send(JSON.stringify({ type: "ping", ref: marker }));
          // Read up to our marker's pong: everything before it answers the fuzzed frame.
          for (;;) {
            let text: string;
            try {
              text = await ws.nextRaw(3000);
            } catch {
              const { code } = await ws.closed;
              expect([1009]).toContain(code); // only an oversized frame may close the socket
              closes += 1;
              return;
            }
            const reply = JSON.parse(text) as { type: string; code?: ErrorCode; ref?: unknown };
            expect(["message", "ack", "pong", "error"]).toContain(reply.type);
            if (reply.type === "error") expect(ERROR_CODES).toContain(reply.code);
            if (reply.type === "pong" && reply.ref === marker) return;
          }
        }),
        { seed: SEED, numRuns: WS_RUNS, endOnFailure: true },
      );
      console.log(`fuzz WS: ${WS_RUNS} frames, ${closes} closes with 1009, ${opened} sockets`);
      expect(opened).toBeGreaterThan(urls.length); // every way of opening was used
      expect((await request(`${h.url}/healthz`)).status).toBe(200);
      await expectGaplessLogs(h);
    });
  });
});
