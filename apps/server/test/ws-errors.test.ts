import { describe, expect, it } from "vitest";
import { expectError, post, range, request, withServer } from "./helpers.ts";

describe("WebSocket error frames", () => {
  it("bad frames get an error frame and the socket stays open; ping and publish still work", async () => {
    await withServer({ maxBodyBytes: 1000 }, async (h) => {
      const ws = await h.ws("chat");
      expect((await ws.next()).type).toBe("hello");
      let errorFrames = 0;
      const expectErrorFrame = async (code: string, ref?: string | number) => {
        errorFrames += 1;
        expect(await ws.next()).toEqual({
          type: "error",
          code,
          message: expect.any(String),
          ...(ref === undefined ? {} : { ref }),
        });
      };

      ws.send("not json");
      await expectErrorFrame("bad_json");
      ws.send({ type: "nope", ref: 7 });
      await expectErrorFrame("bad_frame", 7);
      ws.socket.send(Buffer.from('{"type":"ping","ref":"bin"}'), { binary: true });
      await expectErrorFrame("bad_frame");
      ws.send({ type: "publish", ref: "no-data" });
      await expectErrorFrame("bad_frame", "no-data");
      ws.send("null");
      await expectErrorFrame("bad_frame");
      ws.send("[]");
      await expectErrorFrame("bad_frame");
      ws.send({ type: "ping", ref: "r".repeat(200) });
      expect(await ws.next()).toMatchObject({ type: "error", code: "bad_frame" });
      errorFrames += 1;
      ws.send({ type: "publish", data: "d".repeat(1000), ref: "big" });
      await expectErrorFrame("payload_too_large", "big");

      ws.send({ type: "ping", ref: "still-here" });
      expect(await ws.next()).toEqual({ type: "pong", ref: "still-here", time: expect.any(Number) });
      ws.send({ type: "ping" });
      expect(await ws.next()).toEqual({ type: "pong", ref: null, time: expect.any(Number) });
      expect(ws.socket.readyState).toBe(1);
      // Every error frame counts as a WebSocket error.
      expect((await h.metrics()).transports.ws.errors).toBe(errorFrames);
      expect((await h.info("chat")).seq).toBe(0);
    });
  });

  it("invalid UTF-8 in a text frame fails the connection with 1007, as RFC 6455 §8.1 requires", async () => {
    await withServer({}, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      ws.socket.send(Buffer.from('{"type":"publish","data":"\xff"}', "latin1"), { binary: false });
      expect((await ws.closed).code).toBe(1007);
      expect((await h.info("chat")).seq).toBe(0);
      expect((await (await h.ws("chat")).next()).type).toBe("hello");
    });
  });

  it("publish over WebSocket gets an ack with the ref, and the message reaches every transport", async () => {
    await withServer({}, async (h) => {
      const ws = await h.ws("chat");
      const hello = (await ws.next()) as { epoch: string };
      const es = await h.eventSource("chat");
      await es.events.next(); // hello
      ws.send({ type: "publish", data: { hello: "world" }, ref: "p1" });
      // The publisher sees its own message and the ack (either order: both are sent at append time).
      const frames = [await ws.next(), await ws.next()];
      expect(frames).toContainEqual({ type: "ack", ref: "p1", seq: 1, cursor: `${hello.epoch}:1` });
      expect(frames).toContainEqual({
        type: "message",
        channel: "chat",
        seq: 1,
        time: expect.any(Number),
        data: { hello: "world" },
      });
      ws.send({ type: "publish", data: [1, 2], ref: 42 });
      ws.send({ type: "publish", data: null });
      const more = [await ws.next(), await ws.next(), await ws.next(), await ws.next()];
      expect(more.filter((f) => f.type === "ack")).toEqual([
        { type: "ack", ref: 42, seq: 2, cursor: `${hello.epoch}:2` },
        { type: "ack", ref: null, seq: 3, cursor: `${hello.epoch}:3` },
      ]);
      expect((await es.messages(3)).map((e) => [e.seq, e.data])).toEqual([
        [1, { hello: "world" }],
        [2, [1, 2]],
        [3, null],
      ]);
      expect((await h.metrics()).publishes).toMatchObject({ ws: 3, http: 0 });
    });
  });

  it("WebSocket frames over the rate limit get a rate_limited error frame; the socket stays open", async () => {
    await withServer({ rateLimit: 0.1, rateBurst: 2 }, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      for (const ref of [1, 2, 3]) ws.send({ type: "publish", data: ref, ref });
      const frames = await Promise.all(range(1, 5).map(() => ws.next()));
      expect(frames.filter((f) => f.type === "ack").map((f) => (f as { ref: number }).ref)).toEqual([1, 2]);
      expect(frames.filter((f) => f.type === "error")).toEqual([
        { type: "error", code: "rate_limited", message: expect.any(String), ref: 3 },
      ]);
      // Every frame takes a token before it is parsed: a ping over the limit is refused too.
      ws.send({ type: "ping", ref: "p" });
      expect(await ws.next()).toEqual({
        type: "error",
        code: "rate_limited",
        message: expect.any(String),
        ref: "p",
      });
      // Per address: a second socket from the same address shares the bucket …
      const same = await h.ws("chat");
      await same.next();
      same.send({ type: "publish", data: "x", ref: "s" });
      expect(await same.next()).toMatchObject({ type: "error", code: "rate_limited", ref: "s" });
      // … and HTTP publishes from it draw from the same bucket.
      await expectError(post(h.channelUrl("chat", "messages"), { data: 1 }), 429, "rate_limited");
      // Another address has its own.
      const other = await h.ws("chat", {}, { localAddress: "127.0.0.2" });
      await other.next();
      other.send({ type: "publish", data: "x", ref: "o" });
      const otherFrames = [await other.next(), await other.next()];
      expect(otherFrames).toContainEqual({ type: "ack", ref: "o", seq: 3, cursor: expect.any(String) });
      expect(ws.socket.readyState).toBe(1);
      expect((await h.metrics()).publishes.rateLimited).toBe(4);
    });
  });

  it("a refused frame over 1 KiB is not parsed: its error frame carries no ref", async () => {
    await withServer({ rateLimit: 0.1, rateBurst: 1 }, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      ws.send({ type: "ping", ref: "first" });
      expect(await ws.next()).toMatchObject({ type: "pong", ref: "first" });
      ws.send({ type: "publish", ref: "big", data: "z".repeat(2000) });
      expect(await ws.next()).toEqual({ type: "error", code: "rate_limited", message: expect.any(String) });
    });
  });

  it("nothing a client sends corrupts the log: after all the bad input, seq is still gapless", async () => {
    await withServer({ maxBodyBytes: 2048, maxFrameBytes: 4096, rateLimit: 0 }, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      const url = h.channelUrl("chat", "messages");
      const good: unknown[] = [];
      const publishGood = async (data: unknown) => {
        good.push(data);
        expect((await post(url, { data })).status).toBe(201);
      };
      const garbage: (string | Buffer)[] = [
        "{",
        "[]",
        "null",
        '{"type":"publish"}',
        '{"type":"publish","data":1,"ref":{"x":1}}',
        '{"type":"ping","ref":[]}',
        '{"type":"PUBLISH","data":1}',
        `{"type":"publish","data":"${"q".repeat(3000)}"}`,
        Buffer.from([0xff, 0xfe, 0x00]),
        '{"type":"publish","data":1e999}',
        "\u0000",
      ];
      const httpGarbage = [
        "{",
        "[]",
        "null",
        '{"nodata":1}',
        '{"data":1e999}',
        '{"__proto__":{"data":1}}',
        `{"data":"${"w".repeat(3000)}"}`,
        "\u0000",
        '{"data":1}{"data":2}',
        Buffer.from([0xff, 0xfe, 0x00]),
      ];
      for (const [k, g] of garbage.entries()) {
        await publishGood({ k, via: "http" });
        if (typeof g === "string") ws.send(g);
        else ws.socket.send(g, { binary: true });
        const bad = httpGarbage[k % httpGarbage.length] ?? "";
        await expectErrorStatus(
          request(url, { method: "POST", headers: { "content-type": "application/json" }, body: bad }),
        );
        await expectErrorStatus(request(h.channelUrl("chat", "poll", { cursor: "x:y:z" })));
        await expectErrorStatus(request(h.channelUrl("chat", "long-poll", { timeout: "0" })));
      }
      ws.send({ type: "publish", data: { via: "ws" }, ref: "last" });
      good.push({ via: "ws" });
      // Every garbage frame got its error frame, in order, and the socket is still open.
      const frames = [];
      for (;;) {
        const f = await ws.next();
        frames.push(f);
        if (f.type === "ack") break;
      }
      const errors = frames.filter((f) => f.type === "error");
      expect(errors).toHaveLength(garbage.length);
      expect(ws.socket.readyState).toBe(1);

      const { seq, epoch } = await h.info("chat");
      expect(seq).toBe(good.length);
      const all = await h.poll("chat", { cursor: "earliest" });
      expect(all.messages.map((m) => m.seq)).toEqual(range(1, good.length));
      expect(all.messages.map((m) => m.data)).toEqual(good);
      expect(all.cursor).toBe(`${epoch}:${good.length}`);
      expect(await request(`${h.url}/healthz`)).toMatchObject({ status: 200, body: { status: "ok" } });
    });
  });
});

/** Any 4xx with a JSON error body. */
async function expectErrorStatus(res: Promise<{ status: number; body: unknown }>) {
  const r = await res;
  expect(r.status).toBeGreaterThanOrEqual(400);
  expect(r.status).toBeLessThan(500);
  expect(r.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
}

describe("deeply nested JSON", () => {
  it("is a 400 bad_param over HTTP and a bad_frame error frame over WebSocket, never a 500", async () => {
    await withServer({}, async (h) => {
      const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
      await expectError(post(h.channelUrl("chat", "messages"), `{"data":${deep(30_000)}}`), 400, "bad_param");
      expect((await post(h.channelUrl("chat", "messages"), `{"data":${deep(500)}}`)).status).toBe(201);
      const ws = await h.ws("chat");
      await ws.next();
      ws.send(`{"type":"publish","ref":"deep","data":${deep(30_000)}}`);
      expect(await ws.next()).toEqual({
        type: "error",
        code: "bad_frame",
        message: expect.any(String),
        ref: "deep",
      });
      ws.send({ type: "ping", ref: "alive" });
      expect(await ws.next()).toMatchObject({ type: "pong", ref: "alive" });
      expect((await h.info("chat")).seq).toBe(1);
    });
  });
});

describe("message data integrity", () => {
  it("data is delivered exactly as sent, `__proto__` keys included (HTTP and WS publish)", async () => {
    await withServer({}, async (h) => {
      const text = '{"__proto__":{"polluted":true},"list":[{"__proto__":1}],"constructor":{"prototype":2}}';
      const res = await post(h.channelUrl("chat", "messages"), `{"data":${text}}`);
      expect(res.status).toBe(201);
      const ws = await h.ws("chat", { cursor: "earliest" });
      await ws.next(); // hello
      expect(await ws.nextRaw()).toContain(`"data":${text}}`);
      ws.send(`{"type":"publish","ref":"p","data":${text}}`);
      const frames = [await ws.nextRaw(), await ws.nextRaw()];
      expect(frames.find((f) => f.includes('"type":"message"'))).toContain(`"seq":2,`);
      expect(frames.find((f) => f.includes('"type":"message"'))).toContain(`"data":${text}}`);
      const poll = await request(h.channelUrl("chat", "poll", { cursor: "earliest" }));
      expect(poll.text.split(`"data":${text}}`)).toHaveLength(3);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});
