import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { type ResetReason, ROUTES, SSE_RETRY_MS } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { type Channel, type Connection, checkChannelName } from "../channel.ts";
import { type AppContext, addressOf, every, type NodeBindings, requireCursor } from "../context.ts";
import { Delivery, helloFrame, type Sink } from "../delivery.ts";
import { refuseHead } from "../errors.ts";
import { cutPromptly } from "../links/cut-promptly.ts";
import type { LogEntry } from "../log-entry.ts";
import { resolveCursor } from "../resolve-cursor.ts";
import { writeCoalesced } from "./raw-write.ts";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  connection: "keep-alive",
} as const;

/** `event: hello` (or reset), with an `id` so EventSource's Last-Event-ID is right even before any message. */
const controlEvent = (event: "hello" | "reset", id: string, data: object, retry = "") =>
  `${retry}id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * One open event stream: what the hub cuts and what a {@link Delivery} writes to. Its response's
 * `close` and `error` go to listeners shared by every stream, which find it in `streams`: a
 * closure per stream, with its context, showed in memory per idle connection.
 */
class SseStream implements Connection, Sink {
  readonly transport = "sse";
  delivery: Delivery | undefined;

  constructor(
    readonly res: ServerResponse,
    readonly address: string,
    readonly channel: Channel,
  ) {}

  /** Hub contract: the stream ends (EventSource reconnects and resumes from Last-Event-ID). */
  cut(): void {
    this.res.end();
    cutPromptly(this.res.socket);
  }

  reset(reason: ResetReason, cursor: string): void {
    this.res.write(controlEvent("reset", cursor, { reason, cursor }));
  }

  get bufferedBytes(): number {
    return this.res.writableLength;
  }

  get writable(): boolean {
    return !(this.res.writableEnded || this.res.destroyed);
  }

  /**
   * The entry's event. On a chunked response with nothing queued in it (always, once the hello
   * went out), the event already framed as a chunk, built once for every stream, goes straight
   * to the socket, coalesced with the tick's other writes to it; Node's `res.write()` would
   * frame it anew for each stream. Returns the event's bytes (what `bytesOut` counts).
   */
  write(entry: LogEntry): number {
    const { res } = this;
    const socket = res.socket;
    if (res.chunkedEncoding && socket !== null && res.writableLength === socket.writableLength) {
      writeCoalesced(socket, entry.sseChunk);
      return entry.sseEventBytes;
    }
    const event = entry.sseEvent;
    res.write(event);
    return event.length;
  }

  /** Too slow a reader: cut; EventSource resumes from Last-Event-ID. */
  tooSlow(): void {
    this.res.destroy();
  }
}

/**
 * `GET /api/channels/:ch/sse?cursor=` (or `Last-Event-ID`, which wins):
 * `text/event-stream` written straight to Node's response, one `write()` per
 * event so each is flushed at once, with a `: ping` comment every 15 s.
 */
export function mountSse(app: Hono<NodeBindings>, ctx: AppContext): void {
  const { hub, counters, options } = ctx;
  const stats = counters.transports.sse;
  const streams = new Map<ServerResponse, SseStream>();
  const PING = Buffer.from(": ping\n\n");
  every(ctx, options.sseKeepAliveMs, () => {
    for (const res of streams.keys()) res.write(PING);
  });
  function closed(this: ServerResponse) {
    const stream = streams.get(this);
    if (!stream) return;
    streams.delete(this);
    stream.delivery?.stop();
    hub.detach(stream.channel, stream);
  }
  function failed() {
    stats.errors += 1;
  }

  app.get(ROUTES.sse, async (c) => {
    stats.requests += 1;
    const res = c.env.outgoing;
    // Read before the first await, that is before @hono/node-server adds its own (see below).
    const closeListeners = res.listenerCount("close");
    refuseHead(c.req.method, c.req.path);
    const name = checkChannelName(c.req.param("ch"));
    const lastEventId = c.req.header("last-event-id");
    const cursor = requireCursor(lastEventId ? lastEventId : c.req.query("cursor"));
    const address = addressOf(c.env.incoming.socket);
    hub.checkCapacity(address);
    // Resolved before the channel is made: a cursor beyond the head (400) leaves nothing behind.
    const start = resolveCursor(await hub.headOf(name), cursor);
    const channel = await hub.obtainHeld(name, address, () => c.env.incoming.socket.destroyed);
    // The client left while the head was read (a round trip with Redis): its `close` has passed.
    if (!channel) return RESPONSE_ALREADY_SENT;
    const state = channel.log.state();

    const stream = new SseStream(res, address, channel);
    res.writeHead(200, SSE_HEADERS);
    res.write(
      controlEvent("hello", start.cursor, helloFrame(channel, state, start), `retry: ${SSE_RETRY_MS}\n`),
    );
    // The response is ours from here on. @hono/node-server listens for its `close` to abort the
    // Request it made for Hono, whose signal nothing here reads, and that listener holds the
    // Request (URL, headers) for as long as the stream is open: ~0.5 KB per idle stream.
    for (const listener of res.listeners("close").slice(closeListeners))
      res.off("close", listener as () => void);
    const delivery = new Delivery(channel.log, stream, stats, options.maxBufferedBytes);
    stream.delivery = delivery;
    hub.attach(channel, stream);
    streams.set(res, stream);
    res.on("close", closed);
    res.on("error", failed);
    delivery.start(start).catch(() => res.destroy());
    return RESPONSE_ALREADY_SENT;
  });
}
