import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { LONG_POLL_TIMEOUT, ROUTES } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { type AppContext, type NodeBindings, requireCursor } from "../context.ts";
import { ApiError } from "../errors.ts";
import type { Connection } from "../hub.ts";
import type { LogEntry } from "../log-entry.ts";
import { pollBody } from "../poll-body.ts";
import { resolveCursor } from "../resolve-cursor.ts";
import { POLL_HEADERS } from "./poll.ts";

/** Parses `?timeout=` in ms (default 25000, 1–60000). */
function parseTimeout(raw: string | undefined): number {
  if (raw === undefined || raw === "") return LONG_POLL_TIMEOUT.default;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < LONG_POLL_TIMEOUT.min || ms > LONG_POLL_TIMEOUT.max) {
    throw new ApiError(
      400,
      "bad_param",
      `timeout must be an integer number of ms from ${LONG_POLL_TIMEOUT.min} to ${LONG_POLL_TIMEOUT.max}, got "${raw}"`,
    );
  }
  return ms;
}

/**
 * `GET /api/channels/:ch/long-poll?cursor=&timeout=`: answers at once when
 * something is after the cursor (or a reset is due), otherwise holds the
 * request until the next message or the timeout. A held request is one log
 * subscriber; it is removed the moment the client goes away.
 */
export function mountLongPoll(app: Hono<NodeBindings>, ctx: AppContext): void {
  const { hub, counters } = ctx;
  const stats = counters.transports.longPoll;
  app.get(ROUTES.longPoll, async (c) => {
    stats.requests += 1;
    const cursor = requireCursor(c.req.query("cursor"));
    const timeout = parseTimeout(c.req.query("timeout"));
    const channel = hub.obtain(c.req.param("ch"));
    const start = resolveCursor(channel.log.state(), cursor);
    if (start.reset !== undefined || channel.log.state().seq > start.afterSeq || hub.shuttingDown) {
      const entries = await channel.log.readAfter(start.afterSeq, ctx.options.historySize);
      const body = pollBody(start, entries);
      stats.messagesOut += entries.length;
      stats.bytesOut += body.length;
      return c.body(body, 200, POLL_HEADERS);
    }
    hub.checkCapacity();
    const res = c.env.outgoing;

    // The request is held on Node's own response, and the handler returns at once: a pending
    // Hono handler keeps its context, request and AbortSignal alive, which tripled the memory of
    // each of 10,000 held long-polls (see docs/benchmarks.md).
    let timer: NodeJS.Timeout | undefined;
    // The answer to send (`null`: the client is gone, send nothing).
    const finish = (entry: LogEntry | undefined | null) => {
      clearTimeout(timer);
      channel.log.unsubscribe(subscriber);
      hub.detach(channel, held);
      res.off("close", onClose);
      if (entry === null) return;
      // Held only while the head was at the cursor, and subscribed in that same tick: the first
      // entry to arrive is the next one, whose single-message answer is cached on the entry.
      const body = entry === undefined ? pollBody(start, []) : entry.pollBody;
      if (entry) stats.messagesOut += 1;
      stats.bytesOut += body.length;
      res.writeHead(200, { ...POLL_HEADERS, "content-length": body.length });
      res.end(body);
    };
    const onClose = () => finish(null);
    const subscriber = { receive: (entry: LogEntry) => finish(entry) };
    const held: Connection = {
      transport: "longPoll",
      cut(reason) {
        if (reason === "shutdown") return finish(undefined);
        // A simulated network fault: the client gets no answer at all.
        finish(null);
        res.destroy();
      },
    };
    channel.log.subscribe(subscriber);
    hub.attach(channel, held);
    timer = setTimeout(() => finish(undefined), timeout);
    res.once("close", onClose);
    return RESPONSE_ALREADY_SENT;
  });
}
