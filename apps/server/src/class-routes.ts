import { isValidChannelName, ROUTES, TRANSPORT_NAMES, WS_PATH_PATTERN } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { type ClassRosterTracker, createClassRoster, isClassClientId } from "./class-roster.ts";
import { type AppContext, addressOf, every, type NodeBindings } from "./context.ts";
import type { UpgradeHandler } from "./transports/ws.ts";

/** The channel a request names, or null when the name is not one (the route answers 400 itself). */
function channelOf(raw: string | undefined): string | null {
  try {
    const name = decodeURIComponent(raw ?? "");
    return isValidChannelName(name) ? name : null;
  } catch {
    return null;
  }
}

/**
 * The class view's server side, beside the transports rather than inside them: a middleware on
 * the SSE, long-poll and poll routes that notes `?client=` (held until the response closes for
 * SSE and long polls), a wrapper of the WebSocket upgrade that does the same for sockets, and
 * `GET /api/class`. Requests are served exactly as without it.
 */
export function mountClassRoster(
  app: Hono<NodeBindings>,
  ctx: AppContext,
  roster: ClassRosterTracker = createClassRoster({ maxPerAddress: ctx.options.maxConnectionsPerAddress }),
): { wrapUpgrade(handler: UpgradeHandler): UpgradeHandler } {
  every(ctx, 5000, () => roster.sweep());

  for (const transport of TRANSPORT_NAMES) {
    if (transport === "ws") continue; // upgrades do not go through Hono: see wrapUpgrade
    const held = transport !== "poll";
    app.get(ROUTES[transport], async (c, next) => {
      const id = c.req.query("client");
      const channel = channelOf(c.req.param("ch"));
      if (c.req.method === "GET" && isClassClientId(id) && channel !== null) {
        const release = roster.seen(id, addressOf(c.env.incoming.socket), channel, transport, held);
        if (held) c.env.outgoing.once("close", release);
      }
      await next();
    });
  }

  app.get(ROUTES.classRoster, (c) => c.json({ ...roster.snapshot(), historySize: ctx.options.historySize }));

  return {
    wrapUpgrade: (handler) => async (req, socket, head) => {
      await handler(req, socket, head); // the upgrade reads the channel's head first (async with Redis)
      // A refused upgrade has been answered and ended by now: only a socket that stays open counts.
      if (socket.destroyed || socket.writableEnded) return;
      const url = new URL(req.url ?? "/", "http://upgrade.invalid");
      const id = url.searchParams.get("client");
      const channel = channelOf(WS_PATH_PATTERN.exec(url.pathname)?.[1]);
      if (!isClassClientId(id) || channel === null) return;
      socket.once("close", roster.seen(id, addressOf(req.socket), channel, "ws", true));
    },
  };
}
