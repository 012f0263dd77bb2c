import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { formatCursor, type ResetReason } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { type AppContext, every, type NodeBindings, requireCursor } from "../context.ts";
import { helloFrame, openDelivery } from "../delivery.ts";
import type { LogEntry } from "../log-entry.ts";
import { resolveCursor } from "../resolve-cursor.ts";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  connection: "keep-alive",
} as const;

/** Browsers wait ~3 s before reconnecting an ended stream; 1 s makes recovery visible but not hectic. */
const RETRY_MS = 1000;

/** `event: hello` (or reset), with an `id` so EventSource's Last-Event-ID is right even before any message. */
const controlEvent = (event: "hello" | "reset", id: string, data: object, retry = "") =>
  `${retry}id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * `GET /api/channels/:ch/sse?cursor=` (or `Last-Event-ID`, which wins):
 * `text/event-stream` written straight to Node's response, one `write()` per
 * event so each is flushed at once, with a `: ping` comment every 15 s.
 */
export function mountSse(app: Hono<NodeBindings>, ctx: AppContext): void {
  const { hub, counters, options } = ctx;
  const stats = counters.transports.sse;
  const open = new Set<ServerResponse>();
  const PING = Buffer.from(": ping\n\n");
  every(ctx, options.sseKeepAliveMs, () => {
    for (const res of open) res.write(PING);
  });

  app.get("/api/channels/:ch/sse", async (c) => {
    stats.requests += 1;
    const lastEventId = c.req.header("last-event-id");
    const cursor = requireCursor(lastEventId ? lastEventId : c.req.query("cursor"));
    hub.checkCapacity();
    const channel = hub.obtain(c.req.param("ch"));
    const start = resolveCursor(channel.log.state(), cursor);
    const res = c.env.outgoing;

    const state = channel.log.state();
    const hello = helloFrame(channel, state, start);
    res.writeHead(200, SSE_HEADERS);
    res.write(controlEvent("hello", start.cursor, hello, `retry: ${RETRY_MS}\n`));
    const sendReset = (reason: ResetReason, afterSeq: number) => {
      const cursor = formatCursor(state.epoch, afterSeq);
      res.write(controlEvent("reset", cursor, { reason, cursor }));
    };
    if (start.reset !== undefined) sendReset(start.reset, start.afterSeq);

    let unsubscribe = () => {};
    const detach = hub.attach(channel, { transport: "sse", cut: () => res.end() });
    open.add(res);
    const cleanup = () => {
      open.delete(res);
      unsubscribe();
      detach();
    };
    res.once("close", cleanup);
    res.on("error", () => {
      stats.errors += 1;
    });

    // The replayed backlog may exceed maxBufferedBytes on its own (history × payload); it is
    // allowed on top of the limit, or a client that fell that far behind would be cut on every
    // reconnect before it received anything, and never catch up.
    let replaying = true;
    let allowance = 0;
    const send = (entry: LogEntry) => {
      if (res.writableEnded || res.destroyed) return;
      if (!replaying && res.writableLength > options.maxBufferedBytes + allowance) {
        // Too slow a reader: cut it; EventSource resumes from Last-Event-ID.
        stats.errors += 1;
        res.destroy();
        return;
      }
      const event = entry.sseEvent;
      res.write(event);
      if (replaying) allowance += event.length;
      stats.messagesOut += 1;
      stats.bytesOut += event.length;
    };
    unsubscribe = await openDelivery(channel, start, send, (afterSeq) => sendReset("expired", afterSeq));
    replaying = false;
    if (res.destroyed || res.writableEnded) cleanup();
    return RESPONSE_ALREADY_SENT;
  });
}
