import type { PollResponse } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { eventually, post, range, request, sleep, withServer } from "./helpers.ts";

const zero = { ws: 0, sse: 0, longPoll: 0 };

describe("connection lifecycle", () => {
  it("subscribers and waiters are cleaned up after clients leave (channel info and metrics return to 0)", async () => {
    await withServer({}, async (h) => {
      const { cursor } = await h.poll("chat");
      const ws = await h.ws("chat");
      const es = await h.eventSource("chat");
      const curl = h.curl("chat");
      await curl.events.next(); // hello: the stream is attached
      const abort = new AbortController();
      const held = fetch(h.channelUrl("chat", "long-poll", { cursor, timeout: "20000" }), {
        signal: abort.signal,
      });
      held.catch(() => {});
      await eventually(async () => {
        expect((await h.info("chat")).subscribers).toEqual({ ws: 1, sse: 2, longPoll: 1 });
        const m = await h.metrics();
        expect([m.transports.ws, m.transports.sse, m.transports.longPoll].map((t) => t.connections)).toEqual([
          1, 2, 1,
        ]);
      });

      ws.socket.close(1000, "bye");
      es.close();
      curl.kill();
      abort.abort();
      await eventually(async () => {
        expect((await h.info("chat")).subscribers).toEqual(zero);
        const m = await h.metrics();
        expect([m.transports.ws, m.transports.sse, m.transports.longPoll].map((t) => t.connections)).toEqual([
          0, 0, 0,
        ]);
      }, 2000);
      // A terminated (not closed) WebSocket is cleaned up too.
      const rude = await h.ws("chat");
      await eventually(async () => expect((await h.info("chat")).subscribers.ws).toBe(1));
      rude.socket.terminate();
      await eventually(async () => expect((await h.info("chat")).subscribers.ws).toBe(0), 2000);
      // And publishing afterwards reaches nobody, without errors.
      await h.publish("chat", "after");
      expect((await h.metrics()).transports.ws.messagesOut).toBe(0);
    });
  });

  it("disconnect cuts every connection of the channel: WS 1012, SSE ends, long-polls get no answer", async () => {
    await withServer({}, async (h) => {
      await h.publishMany("chat", 3);
      const { cursor } = await h.poll("chat");
      const ws = await h.ws("chat");
      const bystander = await h.ws("other");
      const curl = h.curl("chat");
      await curl.events.next();
      const es = await h.eventSource("chat", { cursor: "earliest" });
      await es.events.next(); // hello
      expect((await es.messages(3)).map((e) => e.seq)).toEqual([1, 2, 3]);
      // Settles with the status, or with the error when no answer comes.
      const longPoll = fetch(h.channelUrl("chat", "long-poll", { cursor, timeout: "20000" })).then(
        (r) => r.status,
        (err: unknown) => err,
      );
      await eventually(async () =>
        expect((await h.info("chat")).subscribers).toEqual({ ws: 1, sse: 2, longPoll: 1 }),
      );

      const res = await post(h.channelUrl("chat", "disconnect"), "");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ disconnected: 4 });
      expect((await ws.closed).code).toBe(1012);
      expect(await curl.exited).toBe(0); // the stream ended cleanly (terminating chunk)
      expect(await longPoll).toBeInstanceOf(TypeError); // no HTTP answer at all: the socket was destroyed
      await es.nextError(); // EventSource saw the stream end …
      await eventually(async () =>
        expect((await h.info("chat")).subscribers).toEqual({ ws: 0, sse: 1, longPoll: 0 }),
      );
      // … and reconnects on its own (retry: 1000) with Last-Event-ID, missing nothing.
      await h.publishMany("chat", 2);
      const hello = await es.events.next(3000);
      expect(hello.type).toBe("hello");
      expect(JSON.parse(hello.data).cursor).toBe(cursor);
      expect((await es.messages(2)).map((e) => e.seq)).toEqual([4, 5]);
      // The other channel was not touched.
      expect(bystander.socket.readyState).toBe(1);
      expect((await h.info("other")).subscribers.ws).toBe(1);
      // Unknown channel: nothing to cut.
      expect((await post(h.channelUrl("nobody-here", "disconnect"), "")).body).toEqual({ disconnected: 0 });
    });
  });

  it("a second disconnect does not count a WebSocket that is still closing from the first", async () => {
    await withServer({}, async (h) => {
      const ws = await h.ws("chat");
      await eventually(async () => expect((await h.info("chat")).subscribers.ws).toBe(1));
      // A peer that reads nothing never answers the close frame: the socket stays in CLOSING.
      ws.socket.pause();
      expect((await post(h.channelUrl("chat", "disconnect"), "")).body).toEqual({ disconnected: 1 });
      await sleep(60);
      expect((await post(h.channelUrl("chat", "disconnect"), "")).body).toEqual({ disconnected: 0 });
      expect((await h.info("chat")).subscribers.ws).toBe(1);
      ws.socket.resume();
      expect((await ws.closed).code).toBe(1012);
    });
  });

  it("shutdown closes WebSockets with 1001, ends SSE, answers held long-polls, and resolves", async () => {
    await withServer({}, async (h) => {
      await h.publishMany("chat", 2);
      const { cursor } = await h.poll("chat");
      const ws = await h.ws("chat");
      const curl = h.curl("chat");
      await curl.events.next();
      const es = await h.eventSource("chat");
      const held = request<PollResponse>(h.channelUrl("chat", "long-poll", { cursor, timeout: "20000" }));
      await eventually(async () =>
        expect((await h.info("chat")).subscribers).toEqual({ ws: 1, sse: 2, longPoll: 1 }),
      );
      const t0 = performance.now();
      await h.server.close();
      const took = performance.now() - t0;
      console.log(`close() with 4 open connections took ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(1000);
      expect((await ws.closed).code).toBe(1001);
      expect(await curl.exited).toBe(0);
      const answer = await held;
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ cursor, messages: [] });
      await es.nextError();
      // Each connection unregisters on its own close event, which may trail close() by a tick.
      await eventually(() => expect(h.server.instance.context.hub.connectionCount).toBe(0), 1000);
      await expect(fetch(`${h.url}/healthz`)).rejects.toThrow();
    });
  });

  it("messages published in a burst while a WebSocket replays history are neither lost nor repeated", async () => {
    await withServer({ rateLimit: 0 }, async (h) => {
      await h.publishMany("chat", 50);
      const ws = h.ws("chat", { cursor: "earliest" });
      const more = Promise.all(range(51, 150).map((i) => h.publish("chat", { i })));
      const client = await ws;
      await more;
      expect((await client.next()).type).toBe("hello");
      expect((await client.messages(150)).map((e) => e.seq)).toEqual(range(1, 150));
    });
  });
});

describe("shutdown deadline", () => {
  it("a WebSocket peer that never answers the close is terminated at the grace deadline", async () => {
    await withServer({}, async (h) => {
      const ws = await h.ws("chat");
      await ws.next();
      ws.socket.pause(); // never reads the close frame, so never answers it
      const t0 = performance.now();
      await h.server.close(300);
      const took = performance.now() - t0;
      expect(took).toBeGreaterThanOrEqual(290);
      expect(took).toBeLessThan(1500);
      ws.socket.resume();
      expect((await ws.closed).code).toBe(1001);
    });
  });
});
