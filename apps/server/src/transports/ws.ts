import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { ROUTES, WS_PATH_PATTERN } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { WebSocketServer } from "ws";
import { type Channel, checkChannelName } from "../channel.ts";
import { type AppContext, addressOf, every, type NodeBindings, requireCursor } from "../context.ts";
import { ApiError } from "../errors.ts";
import { forbiddenOrigin } from "../origin-policy.ts";
import { resolveCursor, type StartPoint } from "../resolve-cursor.ts";
import { PeerSocket, peerOf } from "./peer-socket.ts";
import { WsSession } from "./ws-session.ts";

/** Handles a Node `upgrade` event; wire it with `server.on("upgrade", handler)`. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void | Promise<void>;

/** `decodeURIComponent`, with a malformed escape kept as text (it then fails the name check: 400). */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Answers a refused upgrade with its status alone, as an HTTP server would before switching protocols. */
export function refuse(socket: Duplex, status: number, statusText: string) {
  if (!socket.destroyed) {
    socket.end(`HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
}

/** Refuses an upgrade for the reason `err` gives (an {@link ApiError}'s status and code, else 400). */
export function refuseWith(socket: Duplex, err: unknown) {
  if (err instanceof ApiError) refuse(socket, err.status, err.code);
  else refuse(socket, 400, "bad_request");
}

/**
 * The checks every WebSocket upgrade passes first, whatever the endpoint: a WebSocket upgrade,
 * from an allowed Origin. Throws an {@link ApiError} otherwise.
 */
export function admitUpgrade(ctx: AppContext, req: IncomingMessage): void {
  if (req.headers.upgrade?.toLowerCase() !== "websocket") {
    throw new ApiError(400, "bad_param", "only WebSocket upgrades are supported");
  }
  const origin = req.headers.origin;
  if (!ctx.origins.allows(origin, req.headers.host)) {
    throw forbiddenOrigin(origin, req.headers.host, "open WebSockets");
  }
}

/**
 * `GET /api/channels/:ch/ws?cursor=`. Upgrades are taken straight from Node's
 * `upgrade` event with `ws`'s `handleUpgrade`, validated before the handshake
 * (a refused upgrade answers with its status alone). Going through Hono's
 * upgrade helper kept each connection's request, context and `Request`
 * alive for the socket's lifetime: 21 KB per idle connection against 7.7 KB
 * for a raw `ws` server (3000 connections, `pnpm loadgen run --rate 0`).
 * A plain GET gets 426.
 */
export function mountWs(
  app: Hono<NodeBindings>,
  ctx: AppContext,
): { handleUpgrade: UpgradeHandler; wss: WebSocketServer } {
  const { hub, counters, options } = ctx;
  const stats = counters.transports.ws;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: true,
    WebSocket: PeerSocket,
  });
  // One heartbeat for every socket of this `ws` server: the lab's and the plain endpoint's.
  every(ctx, options.heartbeatMs, () => {
    for (const socket of wss.clients) {
      const peer = peerOf(socket);
      if (!peer) continue;
      if (!peer.alive) {
        counters.transports[peer.transport].errors += 1;
        socket.terminate();
        continue;
      }
      peer.alive = false;
      socket.ping();
    }
  });

  app.get(ROUTES.ws, () => {
    stats.requests += 1;
    throw new ApiError(426, "upgrade_required", "this endpoint needs a WebSocket upgrade");
  });

  const handleUpgrade: UpgradeHandler = async (req, socket, head) => {
    stats.requests += 1;
    const url = new URL(req.url ?? "/", "http://upgrade.invalid");
    const match = WS_PATH_PATTERN.exec(url.pathname);
    let channel: Channel | undefined;
    let start: StartPoint;
    const address = addressOf(req.socket);
    try {
      if (!match) throw new ApiError(404, "not_found", "no WebSocket endpoint here");
      admitUpgrade(ctx, req);
      const name = checkChannelName(safeDecode(match[1] ?? ""));
      const cursor = requireCursor(url.searchParams.get("cursor") ?? undefined);
      hub.checkCapacity(address);
      // Resolved before the channel is made: a cursor beyond the head (400) leaves nothing behind.
      start = resolveCursor(await hub.headOf(name), cursor);
      channel = await hub.obtainHeld(name, address, () => socket.destroyed);
    } catch (err) {
      stats.errors += 1;
      refuseWith(socket, err);
      return;
    }
    if (!channel) return; // the client left while the head was read
    let opened = false;
    wss.handleUpgrade(req, socket, head, (ws) => {
      opened = true;
      new WsSession(ws as PeerSocket, channel, address, ctx, socket as Socket).start(start);
    });
    // `ws` refused the handshake itself (no or a malformed Sec-WebSocket-Key, an unknown version,
    // a bad subprotocol list): it has answered 400 and ended the socket. The channel made for it
    // goes too, or any raw socket could make channels that count against their address until the
    // hub's next sweep (every 10 s), over and over.
    if (!opened && (socket.writableEnded || socket.destroyed)) {
      stats.errors += 1;
      hub.releaseSoon(channel);
    }
  };

  return { handleUpgrade, wss };
}
