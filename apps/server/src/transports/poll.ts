import { ROUTES } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { type AppContext, type NodeBindings, requireCursor } from "../context.ts";
import { pollBody } from "../poll-body.ts";
import { resolveCursor } from "../resolve-cursor.ts";

/** Headers of every poll and long-poll answer. */
export const POLL_HEADERS = { "content-type": "application/json", "cache-control": "no-store" } as const;

/** `GET /api/channels/:ch/poll?cursor=`: answers at once with whatever is after the cursor. */
export function mountPoll(app: Hono<NodeBindings>, ctx: AppContext): void {
  const stats = ctx.counters.transports.poll;
  app.get(ROUTES.poll, async (c) => {
    stats.requests += 1;
    const cursor = requireCursor(c.req.query("cursor"));
    const channel = ctx.hub.obtain(c.req.param("ch"));
    const start = resolveCursor(channel.log.state(), cursor);
    const entries = await channel.log.readAfter(start.afterSeq, ctx.options.historySize);
    const body = pollBody(start, entries);
    stats.messagesOut += entries.length;
    stats.bytesOut += body.length;
    return c.body(body, 200, POLL_HEADERS);
  });
}
