import { describe, expect, it } from "vitest";
import { refusedWs } from "./clients.ts";
import { expectError, type Harness, post, range, request, withServer } from "./helpers.ts";

/** Asserts a refused WebSocket upgrade: that status, no body. */
async function expectRefused(url: string, status: number, headers: Record<string, string> = {}) {
  const refused = await refusedWs(url, { headers });
  expect({ status: refused.status, body: refused.body, length: refused.contentLength }).toEqual({
    status,
    body: "",
    length: "0",
  });
}

const get = (h: Harness, ch: string, endpoint: string, query: Record<string, string> = {}) =>
  request(h.channelUrl(ch, endpoint, query));

describe("HTTP error rules", () => {
  it("bad JSON and bad publish bodies are 400 bad_json / bad_param", async () => {
    await withServer({}, async (h) => {
      const url = h.channelUrl("chat", "messages");
      await expectError(post(url, "{nope"), 400, "bad_json");
      await expectError(post(url, ""), 400, "bad_json");
      await expectError(post(url, "\u0000"), 400, "bad_json");
      await expectError(post(url, {}), 400, "bad_param");
      await expectError(post(url, [1, 2]), 400, "bad_param");
      await expectError(post(url, "null"), 400, "bad_param");
      await expectError(post(url, '"data"'), 400, "bad_param");
      expect((await post(url, { data: null })).status).toBe(201);
      expect((await h.info("chat")).seq).toBe(1);
    });
  });

  it("bad channel names are 400 bad_channel on every endpoint (WS refused with 400)", async () => {
    await withServer({}, async (h) => {
      for (const name of ["Bad_Name", "-lead", "a.b", "x".repeat(65), "caf%C3%A9", "UPPER"]) {
        await expectError(post(h.channelUrl(name, "messages"), { data: 1 }), 400, "bad_channel");
        await expectError(get(h, name, "poll"), 400, "bad_channel");
        await expectError(get(h, name, "long-poll", { timeout: "10" }), 400, "bad_channel");
        await expectError(get(h, name, "sse"), 400, "bad_channel");
        await expectError(get(h, name, ""), 400, "bad_channel");
        await expectError(post(h.channelUrl(name, "generator"), { rate: 1 }), 400, "bad_channel");
        await expectError(post(h.channelUrl(name, "disconnect"), ""), 400, "bad_channel");
        await expectRefused(h.wsUrl(name), 400);
      }
      // 64 characters is the longest valid name.
      expect((await post(h.channelUrl("x".repeat(64), "messages"), { data: 1 })).status).toBe(201);
      const { channels } = (await request<{ channels: { channel: string }[] }>(`${h.url}/api/channels`)).body;
      expect(channels.map((c) => c.channel).sort()).toEqual(["chat", "x".repeat(64)]);
    });
  });

  it("bad cursors (unparseable or beyond the head) are 400 bad_cursor on every transport", async () => {
    await withServer({}, async (h) => {
      await h.publishMany("chat", 3);
      const { epoch } = await h.info("chat");
      const bad = ["garbage", "abc:", ":5", `${epoch}:-1`, `${epoch}:01`, `${epoch}:1.5`, `${epoch}:x`];
      const beyondHead = [`${epoch}:4`, `${epoch}:99999`];
      for (const cursor of [...bad, ...beyondHead]) {
        await expectError(get(h, "chat", "poll", { cursor }), 400, "bad_cursor");
        await expectError(get(h, "chat", "long-poll", { cursor, timeout: "10" }), 400, "bad_cursor");
        await expectError(get(h, "chat", "sse", { cursor }), 400, "bad_cursor");
        await expectError(
          request(h.channelUrl("chat", "sse"), { headers: { "Last-Event-ID": cursor } }),
          400,
          "bad_cursor",
        );
        await expectRefused(h.wsUrl("chat", { cursor }), 400);
      }
      // The head itself is a valid cursor.
      expect((await get(h, "chat", "poll", { cursor: `${epoch}:3` })).status).toBe(200);
      // Every refused poll counts as a poll error.
      expect((await h.metrics()).transports.poll.errors).toBe(bad.length + beyondHead.length);
    });
  });

  it("a refused request creates no channel, and reads create none that outlive them", async () => {
    await withServer({ maxConnections: 1, rateLimit: 0.1, rateBurst: 2 }, async (h) => {
      await expectError(get(h, "c1", "poll", { cursor: "garbage" }), 400, "bad_cursor");
      await expectError(get(h, "c2", "long-poll", { timeout: "0" }), 400, "bad_param");
      await expectError(get(h, "c3", "sse", { cursor: "garbage" }), 400, "bad_cursor");
      await expectRefused(h.wsUrl("c4", { cursor: "garbage" }), 400);
      await expectError(post(h.channelUrl("c5", "messages"), "{"), 400, "bad_json"); // takes a token
      await expectError(post(h.channelUrl("c6", "generator"), { rate: -1 }), 400, "bad_param");
      // A cursor beyond the head of the channel-to-be is refused before anything is made.
      const { cursor } = await h.poll("c10");
      const beyond = cursor.replace(/:0$/, ":5");
      await expectError(get(h, "c10", "sse", { cursor: beyond }), 400, "bad_cursor");
      await expectRefused(h.wsUrl("c10", { cursor: beyond }), 400);
      await h.ws("chat"); // takes the only connection slot
      await expectError(get(h, "c7", "sse"), 503, "connection_limit");
      await expectError(get(h, "c11", "long-poll", { timeout: "1000" }), 503, "connection_limit");
      await expectRefused(h.wsUrl("c8"), 503);
      await h.publish("chat", 1); // takes the last token
      await expectError(post(h.channelUrl("c9", "messages"), { data: 1 }), 429, "rate_limited");
      // Polls and a generator set to 0 answer without making the channel.
      expect(await h.poll("c12")).toEqual({ cursor: expect.stringMatching(/:0$/), messages: [] });
      expect((await post(h.channelUrl("c13", "generator"), { rate: 0 })).body).toMatchObject({
        running: false,
      });
      const { channels } = (await request<{ channels: { channel: string }[] }>(`${h.url}/api/channels`)).body;
      expect(channels.map((c) => c.channel)).toEqual(["chat"]);
    });
  });

  it("long-poll timeout outside 1–60000 ms is 400 bad_param", async () => {
    await withServer({}, async (h) => {
      for (const timeout of ["0", "60001", "abc", "1.5", "-5", "1e3x", "0x10", " 5", "1e3", "+50"]) {
        await expectError(get(h, "chat", "long-poll", { timeout }), 400, "bad_param");
      }
      await h.publish("chat", 1);
      const { epoch } = await h.info("chat");
      for (const timeout of ["1", "60000"]) {
        const res = await get(h, "chat", "long-poll", { timeout, cursor: `${epoch}:0` });
        expect(res.status).toBe(200);
      }
      expect((await get(h, "chat", "long-poll", { timeout: "1" })).body).toEqual({
        cursor: `${epoch}:1`,
        messages: [],
      });
    });
  });

  it("bad generator parameters are 400 bad_param (bad JSON is bad_json)", async () => {
    await withServer({}, async (h) => {
      const url = h.channelUrl("gen", "generator");
      for (const body of [
        { rate: -1 },
        { rate: 5001 },
        { rate: "fast" },
        {},
        { payloadBytes: 10 },
        { rate: 1, payloadBytes: -1 },
        { rate: 1, payloadBytes: 65537 },
        { rate: 1, payloadBytes: 1.5 },
        { rate: null },
      ]) {
        await expectError(post(url, body), 400, "bad_param");
      }
      await expectError(post(url, "{rate:1}"), 400, "bad_json");
      const ok = await post(url, { rate: 0, payloadBytes: 65536 });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ channel: "gen", rate: 0, payloadBytes: 65536, running: false });
    });
  });

  it("a body over the limit is 413 payload_too_large, with or without Content-Length", async () => {
    await withServer({}, async (h) => {
      const url = h.channelUrl("chat", "messages");
      const limit = 64 * 1024;
      const exact = `{"data":"${"x".repeat(limit - 11)}"}`;
      expect(exact.length).toBe(limit);
      expect((await post(url, exact)).status).toBe(201);
      await expectError(post(url, `{"data":"${"x".repeat(limit - 10)}"}`), 413, "payload_too_large");
      // Chunked: no Content-Length, the limit is enforced while reading.
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"data":"'));
          for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("y".repeat(8192)));
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
        },
      });
      await expectError(
        request(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: chunked,
          duplex: "half",
        } as RequestInit),
        413,
        "payload_too_large",
      );
      await expectError(
        post(h.channelUrl("chat", "generator"), "x".repeat(limit + 1)),
        413,
        "payload_too_large",
      );
      // Big bodies too: the client gets its 413 (not a reset), and its next request on the pool works.
      const big = `{"data":"${"z".repeat(2_000_000)}"}`;
      for (const body of [big, new Blob([big]).stream()]) {
        await expectError(
          request(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
            duplex: "half",
          } as RequestInit),
          413,
          "payload_too_large",
        );
        expect((await request(`${h.url}/healthz`)).status).toBe(200);
      }
      expect((await h.info("chat")).seq).toBe(1);
    });
    await withServer({ maxBodyBytes: 100 }, async (h) => {
      await expectError(
        post(h.channelUrl("chat", "messages"), { data: "z".repeat(100) }),
        413,
        "payload_too_large",
      );
      expect((await post(h.channelUrl("chat", "messages"), { data: "z".repeat(50) })).status).toBe(201);
    });
  });

  it("HTTP publishes over the rate limit are 429 rate_limited; 0 disables the limit", async () => {
    // One token per 10 s: no refill can sneak in on a slow machine (refill is unit-tested).
    await withServer({ rateLimit: 0.1, rateBurst: 3 }, async (h) => {
      const url = h.channelUrl("chat", "messages");
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(url, { data: i })).status);
      expect(statuses).toEqual([201, 201, 201]);
      await expectError(post(url, { data: 3 }), 429, "rate_limited");
      // The bucket is per client, not per channel.
      await expectError(post(h.channelUrl("other", "messages"), { data: 3 }), 429, "rate_limited");
      expect((await h.metrics()).publishes).toMatchObject({ http: 3, rateLimited: 2 });
      expect((await h.info("chat")).seq).toBe(3);
    });
    await withServer({ rateLimit: 0, rateBurst: 1 }, async (h) => {
      const results = await Promise.all(
        range(1, 60).map((i) => post(h.channelUrl("chat", "messages"), { data: i })),
      );
      expect(results.every((r) => r.status === 201)).toBe(true);
    });
  });

  it("the connection limit is 503 connection_limit (SSE, long-poll; WS refused with 503)", async () => {
    await withServer({ maxConnections: 2 }, async (h) => {
      await h.ws("chat");
      const curl = h.curl("chat");
      await curl.events.next();
      await expectError(get(h, "chat", "sse"), 503, "connection_limit");
      await expectError(get(h, "chat", "long-poll", { timeout: "1000" }), 503, "connection_limit");
      await expectRefused(h.wsUrl("chat"), 503);
      // Answers that hold nothing still work.
      expect((await get(h, "chat", "poll")).status).toBe(200);
      expect((await post(h.channelUrl("chat", "messages"), { data: 1 })).status).toBe(201);
      // A long-poll with data waiting is answered at once, so it needs no slot.
      const { epoch } = await h.info("chat");
      expect((await get(h, "chat", "long-poll", { cursor: `${epoch}:0` })).status).toBe(200);
      curl.kill();
      await curl.exited;
      await expect.poll(async () => (await h.metrics()).transports.sse.connections, { interval: 10 }).toBe(0);
      expect((await h.ws("chat")).socket.readyState).toBe(1);
    });
  });

  it("the channel limit is 503 channel_limit on every endpoint that would create a channel", async () => {
    await withServer({ maxChannels: 2 }, async (h) => {
      await h.publish("second", 1);
      await expectError(post(h.channelUrl("third", "messages"), { data: 1 }), 503, "channel_limit");
      await expectError(get(h, "third", "long-poll", { timeout: "10" }), 503, "channel_limit");
      await expectError(get(h, "third", "sse"), 503, "channel_limit");
      await expectError(post(h.channelUrl("third", "generator"), { rate: 1 }), 503, "channel_limit");
      await expectRefused(h.wsUrl("third"), 503);
      // A poll holds nothing and makes nothing: it answers from the empty channel-to-be.
      expect((await get(h, "third", "poll")).status).toBe(200);
      // Existing channels keep working.
      expect((await post(h.channelUrl("second", "messages"), { data: 2 })).status).toBe(201);
      const { channels } = (await request<{ channels: { channel: string }[] }>(`${h.url}/api/channels`)).body;
      expect(channels.map((c) => c.channel).sort()).toEqual(["chat", "second"]);
    });
  });

  it("WebSocket upgrades from a foreign Origin are 403; same host and configured origins are allowed", async () => {
    await withServer({}, async (h) => {
      await expectRefused(h.wsUrl("chat"), 403, { Origin: "http://evil.example" });
      await expectRefused(h.wsUrl("chat"), 403, { Origin: `http://127.0.0.1:${h.server.port + 1}` });
      await expectRefused(h.wsUrl("chat"), 403, { Origin: "null" });
      // The Vite dev server is not allowed unless configured (the dev script does).
      await expectRefused(h.wsUrl("chat"), 403, { Origin: "http://localhost:5173" });
      // DNS rebinding: a foreign name that resolves here sends matching Host and Origin.
      const rebind = `rebind.evil.example:${h.server.port}`;
      await expectRefused(h.wsUrl("chat"), 403, { Origin: `http://${rebind}`, Host: rebind });
      for (const origin of [h.url, `http://localhost:${h.server.port}`]) {
        const ws = await h.ws("chat", {}, { headers: { Origin: origin, Host: new URL(origin).host } });
        expect((await ws.next()).type).toBe("hello");
      }
      // No Origin at all (a non-browser client) is fine.
      expect((await (await h.ws("chat")).next()).type).toBe("hello");
    });
    await withServer({ allowedOrigins: ["https://lab.example"] }, async (h) => {
      expect(
        (await (await h.ws("chat", {}, { headers: { Origin: "https://lab.example" } })).next()).type,
      ).toBe("hello");
      await expectRefused(h.wsUrl("chat"), 403, { Origin: "https://evil.example" });
      await expectRefused(h.wsUrl("chat"), 403, { Origin: "http://localhost:5173" });
    });
  });

  it("unknown routes are 404 not_found; a plain GET on the WS endpoint is 426", async () => {
    await withServer({}, async (h) => {
      await expectError(request(`${h.url}/api/nope`), 404, "not_found");
      // A channel that does not exist answers as the empty channel it will start as.
      const { cursor } = await h.poll("never-used");
      expect(await h.info("never-used")).toEqual({
        channel: "never-used",
        epoch: cursor.slice(0, -2),
        seq: 0,
        oldestSeq: 1,
        subscribers: { ws: 0, sse: 0, longPoll: 0 },
        generator: { rate: 0, payloadBytes: 64, running: false },
      });
      expect((await h.publish("never-used", 1)).cursor).toBe(cursor.replace(/:0$/, ":1"));
      expect(await h.info("never-used")).toMatchObject({ seq: 1, oldestSeq: 1 });
      await expectError(get(h, "never-used-2", "nope"), 404, "not_found");
      await expectError(request(`${h.url}/api/channels/chat/messages`), 404, "not_found");
      const plain = await get(h, "chat", "ws");
      expect(plain.status).toBe(426);
      expect(plain.body).toEqual({ error: { code: "upgrade_required", message: expect.any(String) } });
      // Looking a channel up does not create it.
      await h.info("looked-at");
      expect((await request<{ channels: unknown[] }>(`${h.url}/api/channels`)).body.channels).toHaveLength(2);
    });
  });

  it("with an admin token, generator and disconnect need Authorization: Bearer <token> (401 unauthorized)", async () => {
    await withServer({ adminToken: "s3cret" }, async (h) => {
      for (const endpoint of ["generator", "disconnect"]) {
        const url = h.channelUrl("chat", endpoint);
        const body = { rate: 0 };
        await expectError(post(url, body), 401, "unauthorized");
        await expectError(post(url, body, { Authorization: "Bearer nope" }), 401, "unauthorized");
        await expectError(post(url, body, { Authorization: "s3cret" }), 401, "unauthorized");
        expect((await post(url, body, { Authorization: "Bearer s3cret" })).status).toBe(200);
      }
      // Publishing and reading stay open.
      expect((await post(h.channelUrl("chat", "messages"), { data: 1 })).status).toBe(201);
    });
  });
});
