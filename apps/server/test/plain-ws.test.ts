import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { WELCOME } from "../src/transports/plain-ws.ts";
import { Inbox } from "./clients.ts";
import { eventually, withServer } from "./helpers.ts";

/** A plain client as the classic example writes one: every text frame it gets, in order, and its close. */
function plainClient(url: string, options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(url.replace(/^http/, "ws"), options);
  const texts = new Inbox<string>();
  ws.on("message", (data, isBinary) => texts.push(isBinary ? "<binary>" : data.toString()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const refused = new Promise<string>((resolve) => ws.on("error", (err) => resolve(err.message)));
  return { ws, texts, closed, refused };
}

describe("the plain WebSocket endpoint (/)", () => {
  it("runs the classic example unchanged: a welcome, then every text frame broadcast to everyone, into chat", async () => {
    await withServer({}, async (h) => {
      const a = plainClient(h.url);
      const b = plainClient(h.url);
      expect(await a.texts.next()).toBe(WELCOME);
      expect(await b.texts.next()).toBe(WELCOME);
      a.ws.send("Hello from browser!");
      // Everyone connected there gets it, the sender too, as the text it was.
      expect(await a.texts.next()).toBe("Hello from browser!");
      expect(await b.texts.next()).toBe("Hello from browser!");
      // …and it is a chat line on `chat`, in the shape the page's Chat view shows.
      const { messages } = await h.poll("chat", { cursor: "earliest" });
      expect(messages.map((m) => m.data)).toEqual([
        { chat: { name: "plain WebSocket", text: "Hello from browser!" } },
      ]);
      // Counted as held connections in the metrics (the channel info keeps its four-transport shape).
      expect((await h.metrics()).transports.plainWs?.connections).toBe(2);
      expect((await h.info("chat")).subscribers).toEqual({ ws: 0, sse: 0, longPoll: 0 });
    });
  });

  it("every message of chat reaches plain clients as text; other channels do not", async () => {
    await withServer({}, async (h) => {
      const a = plainClient(h.url);
      expect(await a.texts.next()).toBe(WELCOME);
      await h.publish("chat", { chat: { name: "curl", text: "hello from a shell" } });
      await h.publish("chat", "a string");
      await h.publish("elsewhere", "not for plain clients");
      await h.publish("chat", { tick: 1, pad: "" });
      await h.publish("chat", { chat: { name: "plain WebSocket", text: "é€😀" } });
      expect(await a.texts.take(4)).toEqual([
        "curl: hello from a shell",
        "a string",
        '{"tick":1,"pad":""}',
        "é€😀",
      ]);
      const m = await h.metrics();
      expect(m.transports.plainWs).toMatchObject({ connections: 1, requests: 1, messagesOut: 4, errors: 0 });
      expect(m.publishes.plainWs).toBe(0);
    });
  });

  it("is bounded like every input: binary 1003, frame over the limit 1009, rate limit 1008", async () => {
    await withServer({ maxBodyBytes: 1024, rateLimit: 0.1, rateBurst: 2 }, async (h) => {
      const bin = plainClient(h.url);
      await bin.texts.next();
      bin.ws.send(Buffer.from([1, 2, 3]));
      expect((await bin.closed).code).toBe(1003);
      // A frame over MAX_FRAME_BYTES (body limit + 1 KiB) closes before it is read …
      const big = plainClient(h.url);
      await big.texts.next();
      big.ws.send("x".repeat(3000));
      expect((await big.closed).code).toBe(1009);
      // … and so does a text whose chat line would be over MAX_BODY_BYTES once escaped as JSON.
      const escaped = plainClient(h.url);
      await escaped.texts.next();
      escaped.ws.send("\u0001".repeat(200)); // 200 bytes as text, 1,200 as JSON
      expect((await escaped.closed).code).toBe(1009);
      // The bucket (burst 2) is shared with every other frame and publish of the address.
      const flood = plainClient(h.url);
      await flood.texts.next();
      for (let i = 0; i < 5; i++) flood.ws.send(`line ${i}`);
      expect(await flood.closed).toMatchObject({ code: 1008 });
      const { messages } = await h.poll("chat", { cursor: "earliest" });
      expect(messages).toEqual([]);
      const m = await h.metrics();
      expect(m.transports.plainWs?.errors).toBe(4);
      expect(m.publishes.rateLimited).toBeGreaterThanOrEqual(1);
      await eventually(async () => expect((await h.metrics()).transports.plainWs?.connections).toBe(0));
    });
  });

  it("refuses before the handshake what the lab's WebSocket refuses: a foreign Origin, a full address", async () => {
    await withServer({ maxConnectionsPerAddress: 1 }, async (h) => {
      const foreign = plainClient(h.url, { origin: "https://evil.example" });
      expect(await foreign.refused).toBe("Unexpected server response: 403");
      const first = plainClient(h.url);
      expect(await first.texts.next()).toBe(WELCOME);
      const second = plainClient(h.url);
      expect(await second.refused).toBe("Unexpected server response: 503");
      // The same page's own origin is let in (here the second slot is taken, so from another address).
      const own = plainClient(h.url, { origin: h.url, localAddress: "127.0.0.2" });
      expect(await own.texts.next()).toBe(WELCOME);
      expect((await h.metrics()).transports.plainWs).toMatchObject({
        connections: 2,
        requests: 4,
        errors: 2,
      });
    });
  });

  it("a disconnect closes plain clients with 1012, a shutdown with 1001; a reader that never reads is cut", async () => {
    await withServer({ rateLimit: 0, maxBufferedBytes: 64 * 1024 }, async (h) => {
      const a = plainClient(h.url);
      await a.texts.next();
      expect(
        (await (await fetch(`${h.url}/api/channels/chat/disconnect`, { method: "POST" })).json()) as unknown,
      ).toEqual({
        disconnected: 1,
      });
      expect((await a.closed).code).toBe(1012);
      const slow = plainClient(h.url);
      await slow.texts.next();
      // Stop reading: the kernel buffers fill, then the server's, past MAX_BUFFERED_BYTES.
      slow.ws.pause();
      const line = JSON.stringify("x".repeat(16 * 1024));
      const hub = h.server.instance.context.hub;
      const chat = await hub.obtain("chat", undefined);
      for (let i = 0; i < 40 && ((await h.metrics()).transports.plainWs?.connections ?? 0) > 0; i++) {
        for (let k = 0; k < 50; k++) await hub.append(chat, line);
        await new Promise((r) => setTimeout(r, 5));
      }
      await eventually(async () => expect((await h.metrics()).transports.plainWs?.connections).toBe(0), 5000);
      expect((await h.metrics()).transports.plainWs?.errors).toBeGreaterThanOrEqual(1);
    });
    const s = await withServer({}, async (h) => {
      const c = plainClient(h.url);
      await c.texts.next();
      return c;
    });
    expect((await s.closed).code).toBe(1001);
  });
});
