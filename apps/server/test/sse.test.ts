import { get, type IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { startServer } from "../src/index.ts";
import { openEventSource } from "./clients.ts";
import { eventually, range, withServer } from "./helpers.ts";

describe("SSE streams", () => {
  it("a too-slow reader is cut (maxBufferedBytes) after a gapless prefix and unregistered", async () => {
    await withServer({ maxBufferedBytes: 64 * 1024, maxBodyBytes: 1024 * 1024, rateLimit: 0 }, async (h) => {
      let text = "";
      let closed = false;
      const res = await new Promise<IncomingMessage>((resolve) => get(h.channelUrl("chat", "sse"), resolve));
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("error", () => {});
      res.on("close", () => {
        closed = true;
      });
      await eventually(() => expect(text).toContain("event: hello"));
      res.pause(); // stop reading
      let published = 0;
      while (published < 200 && (await h.metrics()).transports.sse.errors === 0) {
        await h.publish("chat", "p".repeat(512 * 1024));
        published += 1;
      }
      expect((await h.metrics()).transports.sse.errors).toBe(1);
      res.resume();
      await eventually(() => expect(closed).toBe(true), 5000);
      expect(res.complete).toBe(false); // cut, not ended
      const ids = [...text.matchAll(/^id: [^:\n]+:(\d+)\ndata: /gm)].map((m) => Number(m[1]));
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThan(published);
      expect(ids).toEqual(range(1, ids.length));
      await eventually(async () => expect((await h.info("chat")).subscribers.sse).toBe(0));
    });
  });

  it("a reader resuming further behind than maxBufferedBytes still gets the whole backlog, not a cut", async () => {
    await withServer({ maxBufferedBytes: 64 * 1024, maxBodyBytes: 1024 * 1024, rateLimit: 0 }, async (h) => {
      const count = 24; // 24 × 512 KiB = 12 MiB of backlog, far beyond the 64 KiB limit and the kernel buffers
      for (let i = 0; i < count; i++) await h.publish("chat", "b".repeat(512 * 1024));
      let text = "";
      let closed = false;
      const res = await new Promise<IncomingMessage>((resolve) =>
        get(h.channelUrl("chat", "sse", { cursor: "earliest" }), resolve),
      );
      res.pause(); // a slow start: the whole replay is queued before the client reads anything
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("close", () => {
        closed = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      res.resume();
      const ids = () => [...text.matchAll(/^id: [^:\n]+:(\d+)\ndata: /gm)].map((m) => Number(m[1]));
      await eventually(() => expect(ids()).toEqual(range(1, count)), 10_000);
      expect(closed).toBe(false);
      expect((await h.metrics()).transports.sse.errors).toBe(0);
      res.destroy();
    });
  });

  it("EventSource reconnecting to a restarted server gets a reset with reason `epoch` and the new messages", async () => {
    const first = await startServer({ port: 0, host: "127.0.0.1" });
    const port = first.port;
    let es: Awaited<ReturnType<typeof openEventSource>> | undefined;
    let second: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const url = `${first.url}/api/channels/chat/sse`;
      es = await openEventSource(url);
      const hello1 = JSON.parse((await es.events.next()).data);
      await fetch(`${first.url}/api/channels/chat/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: "before" }),
      });
      expect((await es.messages(1)).map((e) => e.data)).toEqual(["before"]);
      await first.close();
      second = await startServer({ port, host: "127.0.0.1" });
      await fetch(`${second.url}/api/channels/chat/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: "after" }),
      });
      // retry: 1000 — the client comes back on its own with Last-Event-ID <old epoch>:1.
      const hello2 = await es.events.next(5000);
      expect(hello2.type).toBe("hello");
      const { epoch } = JSON.parse(hello2.data);
      expect(epoch).not.toBe(hello1.epoch);
      const reset = await es.events.next();
      expect([reset.type, JSON.parse(reset.data)]).toEqual([
        "reset",
        { reason: "epoch", cursor: `${epoch}:0` },
      ]);
      expect((await es.messages(1)).map((e) => [e.seq, e.data])).toEqual([[1, "after"]]);
    } finally {
      es?.close();
      await first.close();
      await second?.close();
    }
  });
});

describe("SSE stream bookkeeping", () => {
  it("an open stream holds one close listener (ours), and closed streams leave no connection, subscription or channel behind", async () => {
    // The server's own responses, seen where Node creates their head.
    const responses: ServerResponse[] = [];
    const writeHead = ServerResponse.prototype.writeHead;
    ServerResponse.prototype.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      responses.push(this);
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof writeHead;
    try {
      await withServer({}, async (h) => {
        const streams = await Promise.all(
          range(1, 20).map(
            () => new Promise<IncomingMessage>((resolve) => get(h.channelUrl("bookkeeping", "sse"), resolve)),
          ),
        );
        for (const res of streams) res.resume();
        const sse = () =>
          responses.filter((r) => r.req.url?.startsWith("/api/channels/bookkeeping/sse") === true);
        await eventually(() => expect(sse()).toHaveLength(20));
        expect((await h.info("bookkeeping")).subscribers.sse).toBe(20);
        // @hono/node-server's listener (it would hold the Request for the stream's lifetime) is gone.
        for (const res of sse()) expect(res.listenerCount("close")).toBe(1);
        for (const res of streams) res.destroy();
        await eventually(() => expect(h.server.instance.context.hub.connectionCount).toBe(0));
        // Nothing published and nobody left: the channel itself is gone.
        expect(h.server.instance.context.hub.find("bookkeeping")).toBeUndefined();
        expect((await h.metrics()).transports.sse.connections).toBe(0);
      });
    } finally {
      ServerResponse.prototype.writeHead = writeHead;
    }
  });
});
