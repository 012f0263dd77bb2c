import type { Envelope, HelloFrame, SocketIoAck } from "@transport-lab/protocol";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Inbox } from "./clients.ts";
import { eventually, type Harness, range, withServer } from "./helpers.ts";

/** A Socket.IO client from the `socket.io-client` package, with what it receives queued in order. */
function sio(h: Harness, options: Partial<ManagerOptions & SocketOptions> = {}) {
  const socket: Socket = io(h.url, { reconnection: false, ...options });
  const messages = new Inbox<Envelope>();
  const hello = new Inbox<HelloFrame>();
  const resets = new Inbox<{ reason: string; cursor: string }>();
  const refused = new Inbox<{ message: string; data: unknown }>();
  socket.on("message", (m: Envelope) => messages.push(m));
  socket.on("hello", (m: HelloFrame) => hello.push(m));
  socket.on("reset", (r: { reason: string; cursor: string }) => resets.push(r));
  socket.on("connect_error", (e: Error & { data?: unknown }) =>
    refused.push({ message: e.message, data: e.data }),
  );
  h.defer(() => socket.close());
  return { socket, messages, hello, resets, refused };
}

const ack = (socket: Socket, event: string, ...args: unknown[]) =>
  socket.timeout(3000).emitWithAck(event, ...args) as Promise<SocketIoAck & { time?: number }>;

describe("Socket.IO at /socket.io/", () => {
  it("runs the explainer's snippet unchanged: polling, then the upgrade; `message` events enter chat", async () => {
    await withServer({}, async (h) => {
      const reader = sio(h, { transports: ["websocket"] });
      await reader.hello.next();
      // io(url) as the explainer writes it: default transports, so long polling first, then WebSocket.
      const socket: Socket = io(h.url);
      h.defer(() => socket.close());
      expect(socket.io.engine.transport.name).toBe("polling");
      const got = new Inbox<Envelope>();
      socket.on("message", (m: Envelope) => got.push(m));
      const upgraded = new Promise<string>((resolve) =>
        socket.io.engine.once("upgrade", (t: { name: string }) => resolve(t.name)),
      );
      await new Promise<void>((resolve) => socket.on("connect", resolve));
      socket.emit("message", "Hello!");
      const line = { chat: { name: "Socket.IO", text: "Hello!" } };
      expect(await got.next()).toMatchObject({ channel: "chat", seq: 1, data: line });
      expect(await reader.messages.next()).toMatchObject({ channel: "chat", seq: 1, data: line });
      expect(await upgraded).toBe("websocket");
      expect((await h.poll("chat", { cursor: "earliest" })).messages.map((m) => m.data)).toEqual([line]);
      const m = await h.metrics();
      expect(m.publishes.socketio).toBe(1);
      expect(m.transports.socketio).toMatchObject({ connections: 2, messagesOut: 2, errors: 0 });
    });
  });

  it("every channel's messages reach its room, each in the lab's envelope; publish and time answer by ack", async () => {
    await withServer({}, async (h) => {
      const news = sio(h, { auth: { channel: "news" }, transports: ["websocket"] });
      const chat = sio(h, { transports: ["websocket"] });
      const hello = await news.hello.next();
      expect(hello).toMatchObject({ type: "hello", channel: "news", seq: 0 });
      await chat.hello.next();
      await h.publish("news", { headline: 1 });
      const answer = await ack(news.socket, "publish", { headline: 2 });
      expect(answer).toEqual({ seq: 2, cursor: `${hello.epoch}:2` });
      const envelopes = await news.messages.take(2);
      expect(envelopes.map((e) => [e.channel, e.seq, e.data])).toEqual([
        ["news", 1, { headline: 1 }],
        ["news", 2, { headline: 2 }],
      ]);
      expect(typeof envelopes[0]?.time).toBe("number");
      const before = Date.now();
      const { time } = await ack(news.socket, "time");
      expect(Math.abs((time ?? 0) - before)).toBeLessThan(1000);
      expect(await ack(news.socket, "publish")).toMatchObject({ error: { code: "bad_param" } });
      // Nothing of `news` reached the socket on `chat`.
      await h.publish("chat", "on chat");
      expect((await chat.messages.next()).data).toBe("on chat");
      expect(chat.messages.size).toBe(0);
    });
  });

  it("resumes from a lab cursor in the handshake's auth: the backlog, then live, each seq once and in order", async () => {
    await withServer({ rateLimit: 0 }, async (h) => {
      const [, second] = await h.publishMany("feed", 5);
      const resumed = sio(h, {
        auth: { channel: "feed", cursor: second?.cursor },
        transports: ["websocket"],
      });
      // Publishing goes on while the socket reads its backlog and joins the room.
      const publishing = h.publishMany("feed", 30);
      expect((await resumed.hello.next()).cursor).toBe(second?.cursor);
      await publishing;
      expect((await resumed.messages.take(33)).map((m) => m.seq)).toEqual(range(3, 35));
      await h.publish("feed", "live");
      expect((await resumed.messages.next()).seq).toBe(36);
      expect(resumed.resets.size).toBe(0);
    });
  });

  it("a cursor past the history gets a reset; a cursor that cannot exist is a connect_error with its code", async () => {
    await withServer({ historySize: 3, rateLimit: 0 }, async (h) => {
      const [first] = await h.publishMany("short", 6);
      const late = sio(h, { auth: { channel: "short", cursor: first?.cursor } });
      expect(await late.resets.next()).toEqual({
        reason: "expired",
        cursor: first?.cursor.replace(/:1$/, ":3"),
      });
      expect((await late.messages.take(3)).map((m) => m.seq)).toEqual([4, 5, 6]);
      const beyond = sio(h, { auth: { channel: "short", cursor: `${(await h.info("short")).epoch}:99` } });
      expect(await beyond.refused.next()).toMatchObject({ data: { status: 400, code: "bad_cursor" } });
      const badName = sio(h, { auth: { channel: "Bad Name" } });
      expect(await badName.refused.next()).toMatchObject({ data: { status: 400, code: "bad_channel" } });
      expect((await h.metrics()).transports.socketio?.errors).toBe(2);
    });
  });

  it("holds to the lab's limits: Origin policy, connection caps, data size, rate limit", async () => {
    await withServer(
      { maxConnectionsPerAddress: 1, maxBodyBytes: 256, rateLimit: 1, rateBurst: 20 },
      async (h) => {
        const foreign = sio(h, { extraHeaders: { origin: "https://evil.example" } });
        expect((await foreign.refused.next()).message).toBe("xhr poll error");
        const first = sio(h, { transports: ["websocket"] });
        await first.hello.next();
        const second = sio(h, { transports: ["websocket"] });
        expect((await second.refused.next()).message).toBe("websocket error");
        expect(await ack(first.socket, "publish", "x".repeat(300))).toMatchObject({
          error: { code: "payload_too_large" },
        });
        // Over the bucket (burst 20, 1/s) the connection is closed: Socket.IO cannot refuse one packet unread.
        const dropped = new Promise<string>((resolve) => first.socket.on("disconnect", resolve));
        for (let i = 0; i < 40; i++) first.socket.emit("message", `flood ${i}`);
        expect(await dropped).toBe("transport close");
        const m = await h.metrics();
        expect(m.publishes.rateLimited).toBe(1);
        expect(m.publishes.socketio).toBeLessThanOrEqual(20);
        await eventually(async () => expect((await h.metrics()).transports.socketio?.connections).toBe(0));
      },
    );
  });

  it("a disconnect closes the Engine.IO connection: the client reconnects by itself and resumes from its cursor", async () => {
    await withServer({ rateLimit: 0 }, async (h) => {
      let cursor: string | undefined;
      const socket: Socket = io(h.url, {
        transports: ["websocket"],
        reconnectionDelay: 50,
        auth: (cb) => cb(cursor === undefined ? { channel: "cut" } : { channel: "cut", cursor }),
      });
      h.defer(() => socket.close());
      const seqs: number[] = [];
      const hellos = new Inbox<HelloFrame>();
      socket.on("hello", (hello: HelloFrame) => {
        cursor = hello.cursor;
        hellos.push(hello);
      });
      socket.on("message", (m: Envelope) => {
        seqs.push(m.seq);
        cursor = `${cursor?.split(":")[0]}:${m.seq}`;
      });
      await hellos.next();
      await h.publishMany("cut", 3);
      await eventually(() => expect(seqs).toEqual([1, 2, 3]));
      const reasons = new Inbox<string>();
      socket.on("disconnect", (reason) => reasons.push(reason));
      const cut = await fetch(h.channelUrl("cut", "disconnect"), { method: "POST" });
      expect(await cut.json()).toEqual({ disconnected: 1 });
      expect(await reasons.next()).toBe("transport close");
      await h.publishMany("cut", 2); // while it is away
      expect((await hellos.next()).cursor).toMatch(/:3$/);
      await eventually(() => expect(seqs).toEqual([1, 2, 3, 4, 5]));
    });
  });

  it("lives beside the lab's own routes and upgrades: they answer at once, unknown upgrades get 404", async () => {
    await withServer({}, async (h) => {
      const live = sio(h);
      await live.hello.next();
      expect((await fetch(`${h.url}/api/channels`)).status).toBe(200);
      const ws = await h.ws("chat");
      expect((await ws.next()).type).toBe("hello");
      const started = performance.now();
      const unknown = new WebSocket(`${h.url.replace(/^http/, "ws")}/nowhere`);
      const status = await new Promise<string>((resolve) => unknown.on("error", (e) => resolve(e.message)));
      expect(status).toBe("Unexpected server response: 404");
      // Not left hanging for Engine.IO's one-second `destroyUpgrade`.
      expect(performance.now() - started).toBeLessThan(900);
      const open = await (await fetch(`${h.url}/socket.io/?EIO=4&transport=polling`)).text();
      expect(open).toMatch(/^0\{"sid":/);
      // The client build a page loads with <script src="/socket.io/socket.io.js">, as socket.io serves it.
      const script = await fetch(`${h.url}/socket.io/socket.io.js`);
      expect(script.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
      expect(await script.text()).toContain("Socket.IO v4.8");
    });
  });
});
