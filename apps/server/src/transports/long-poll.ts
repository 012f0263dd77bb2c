import { LONG_POLL_TIMEOUT } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { type AppContext, type NodeBindings, requireCursor } from "../context.ts";
import { ApiError } from "../errors.ts";
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
  app.get("/api/channels/:ch/long-poll", async (c) => {
    stats.requests += 1;
    const cursor = requireCursor(c.req.query("cursor"));
    const timeout = parseTimeout(c.req.query("timeout"));
    const channel = hub.obtain(c.req.param("ch"));
    const start = resolveCursor(channel.log.state(), cursor);
    const answer = (body: string, count: number) => {
      stats.messagesOut += count;
      stats.bytesOut += Buffer.byteLength(body);
      return c.body(body, 200, POLL_HEADERS);
    };
    const readNow = async () => {
      const entries = await channel.log.readAfter(start.afterSeq, ctx.options.historySize);
      return answer(pollBody(channel.log.state().epoch, start, entries), entries.length);
    };
    if (start.reset !== undefined || channel.log.state().seq > start.afterSeq || hub.shuttingDown) {
      return readNow();
    }
    hub.checkCapacity();

    const signal = c.req.raw.signal;
    if (signal.aborted) return new Response(null, { status: 499 });
    // Settles with true when something arrived, false on timeout or shutdown, null when the client is gone.
    const woke = await new Promise<boolean | null>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: boolean | null) => {
        clearTimeout(timer);
        unsubscribe();
        detach();
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      };
      const onAbort = () => finish(null);
      const unsubscribe = channel.log.subscribe(() => finish(true));
      const detach = hub.attach(channel, {
        transport: "longPoll",
        cut(reason) {
          if (reason === "shutdown") return finish(false);
          // A simulated network fault: the client gets no answer at all.
          c.env.incoming.socket.destroy();
          finish(null);
        },
      });
      timer = setTimeout(() => finish(false), timeout);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    if (woke === null) return new Response(null, { status: 499 });
    return readNow();
  });
}
