import { isValidChannelName, type TransportName } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { type ClassRosterTracker, createClassRoster, isClassClientId } from "./class-roster.ts";
import { type AppContext, every, type NodeBindings } from "./context.ts";
import type { UpgradeHandler } from "./transports/ws.ts";

const TRANSPORT_OF_ENDPOINT: Readonly<Record<string, TransportName>> = {
  ws: "ws",
  sse: "sse",
  "long-poll": "longPoll",
  poll: "poll",
};

/** `/api/channels/<ch>/<endpoint>` → channel and transport, or null for any other path. */
function parseChannelPath(pathname: string): { channel: string; transport: TransportName } | null {
  const match = /^\/api\/channels\/([^/]+)\/([a-z-]+)$/.exec(pathname);
  if (match === null) return null;
  const transport = TRANSPORT_OF_ENDPOINT[match[2] ?? ""];
  let channel: string;
  try {
    channel = decodeURIComponent(match[1] ?? "");
  } catch {
    return null;
  }
  return transport === undefined || !isValidChannelName(channel) ? null : { channel, transport };
}

/**
 * The class view's server side, beside the transports rather than inside them: a middleware that
 * notes `?client=` on the four transport endpoints (held until the response closes for SSE and
 * long polls), a wrapper of the WebSocket upgrade that does the same for sockets, and
 * `GET /api/class`. Requests are served exactly as without it.
 */
export function mountClassRoster(
  app: Hono<NodeBindings>,
  ctx: AppContext,
  roster: ClassRosterTracker = createClassRoster(),
): { wrapUpgrade(handler: UpgradeHandler): UpgradeHandler } {
  every(ctx, 5000, () => roster.sweep());

  app.use("/api/channels/:ch/*", async (c, next) => {
    const id = c.req.query("client");
    const target = isClassClientId(id) ? parseChannelPath(c.req.path) : null;
    if (target !== null && id !== undefined && c.req.method === "GET") {
      const held = target.transport !== "poll";
      const release = roster.seen(id, target.channel, target.transport, held);
      if (held) c.env.outgoing.once("close", release);
    }
    await next();
  });

  app.get("/api/class", (c) => c.json({ ...roster.snapshot(), historySize: ctx.options.historySize }));

  return {
    wrapUpgrade: (handler) => (req, socket, head) => {
      handler(req, socket, head);
      // A refused upgrade has been answered and ended by now: only a socket that stays open counts.
      if (socket.destroyed || socket.writableEnded) return;
      const url = new URL(req.url ?? "/", "http://upgrade.invalid");
      const id = url.searchParams.get("client");
      const target = isClassClientId(id) ? parseChannelPath(url.pathname) : null;
      if (target === null || id === null || target.transport !== "ws") return;
      socket.once("close", roster.seen(id, target.channel, "ws", true));
    },
  };
}
