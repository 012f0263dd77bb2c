import http from "node:http";
import { ERROR_CODES, type ErrorCode, type PollResponse } from "@transport-lab/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openWs } from "./clients.ts";
import { HTTP_RUNS, type HttpCase, httpCase, LIMITS, SEED, STATUS, WS_RUNS } from "./fuzz-cases.ts";
import { type Harness, request, withServer } from "./helpers.ts";

/**
 * Property-based fuzzing of every HTTP endpoint and every WebSocket frame type against one
 * server with small limits. Seeded, so a failure replays exactly (fast-check prints the seed and
 * the shrunk case); bounded in count so CI stays short.
 */

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
