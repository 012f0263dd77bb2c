import { ROUTES } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { checkChannelName } from "../channel.ts";
import { type AppContext, addressOf, type NodeBindings, requireCursor } from "../context.ts";
import { answerNow, POLL_HEADERS } from "../poll-body.ts";
import { resolveCursor } from "../resolve-cursor.ts";

/**
 * `GET /api/channels/:ch/poll?cursor=`: answers at once with whatever is after the cursor. A poll
 * holds nothing, so it creates no channel: a channel that does not exist answers from the empty
 * state it would start from.
 */
export function mountPoll(app: Hono<NodeBindings>, ctx: AppContext): void {
  const { hub } = ctx;
  const stats = ctx.counters.transports.poll;
  app.get(ROUTES.poll, async (c) => {
    stats.requests += 1;
    const name = checkChannelName(c.req.param("ch"));
    const cursor = requireCursor(c.req.query("cursor"));
    const start = resolveCursor(await hub.headOf(name), cursor);
    const socket = c.env.incoming.socket;
    const to = { address: addressOf(socket), res: c.env.outgoing, socket };
    const body = await answerNow(ctx, name, start, stats, to);
    return c.body(body, 200, POLL_HEADERS);
  });
}
