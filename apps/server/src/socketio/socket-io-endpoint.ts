import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import {
  GUEST_CHANNEL,
  SOCKET_IO_PATH,
  type SocketIoAuth,
  type SocketIoRefusal,
} from "@transport-lab/protocol";
import { Server as EngineServer, type Socket as EngineSocket } from "engine.io";
import { Server } from "socket.io";
import { bump } from "../bump.ts";
import { type Channel, checkChannelName } from "../channel.ts";
import { type AppContext, addressOf, every, requireCursor } from "../context.ts";
import { ApiError } from "../errors.ts";
import { resolveCursor, type StartPoint } from "../resolve-cursor.ts";
import { createClientFiles } from "./client-files.ts";
import { RoomFeed } from "./room-feed.ts";
import { bufferedBytesOf, type SessionHost, SocketIoSession } from "./socket-io-session.ts";

/** A client that has not joined a namespace within this long is closed (Socket.IO's default is 45 s). */
const CONNECT_TIMEOUT_MS = 10_000;
/** How often every connection's send buffer is held to `MAX_BUFFERED_BYTES`. */
const SLOW_SWEEP_MS = 1000;
const ADDRESS = Symbol("transport-lab.address");
/** An Engine.IO connection; `ADDRESS` is set while it has not joined a namespace. */
type Conn = EngineSocket & { [ADDRESS]?: string; [PENDING]?: boolean };
const PENDING = Symbol("transport-lab.pending");

/** What the middleware found in a handshake, for the connection that follows. */
interface Admitted {
  readonly channel: Channel;
  readonly start: StartPoint;
}

/** Socket.IO on the lab's HTTP server, beside its own routes and upgrade handler. */
export interface SocketIoEndpoint {
  /** True for a request or upgrade of Socket.IO's path. */
  handles(url: string | undefined): boolean;
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every connection (shutdown). */
  close(): void;
  /** Destroys every connection's socket at once (shutdown past its grace). */
  terminate(): void;
}

/** A refused connection as Socket.IO's `connect_error` carries it: the message, and the status and code in `data`. */
function refusal(err: unknown): Error & { data: SocketIoRefusal } {
  const api = err instanceof ApiError ? err : new ApiError(400, "bad_param", String(err));
  return Object.assign(new Error(api.message), { data: { status: api.status, code: api.code } });
}

/**
 * Socket.IO 4 at its default path on the lab's server (docs/protocol.md §19). The Engine.IO server
 * is created apart and fed by the lab's own request and upgrade dispatch, not attached to the HTTP
 * server: attached, it would take over the server's `request` listeners and, for every upgrade it
 * does not own, end the socket a second later unless something wrote to it (`destroyUpgrade`).
 *
 * The lab's limits hold here too: the Origin policy and the connection caps before a handshake
 * (Engine.IO answers 403), a connection that has not joined within 10 s closed, each message packet
 * taking a token of its address's rate limit (over it, the connection closes: Socket.IO has no way
 * to refuse one packet before its parser has read it), packets of at most `MAX_FRAME_BYTES`,
 * `data` of at most `MAX_BODY_BYTES`, and a send buffer held to `MAX_BUFFERED_BYTES`.
 */
export function createSocketIoEndpoint(ctx: AppContext): SocketIoEndpoint {
  const { hub, options, counters } = ctx;
  const stats = counters.transports.socketio;
  /** Engine.IO connections not yet joined, per address: they count against the connection caps. */
  const pending = new Map<string, number>();
  let pendingTotal = 0;
  const settle = (conn: Conn) => {
    const address = conn[ADDRESS];
    if (!conn[PENDING] || address === undefined) return;
    conn[PENDING] = false;
    pendingTotal -= 1;
    bump(pending, address, -1);
  };

  const engine = new EngineServer({
    transports: ["polling", "websocket"],
    perMessageDeflate: false,
    httpCompression: false,
    maxHttpBufferSize: options.maxFrameBytes,
    allowEIO3: false,
    // Pages of ALLOWED_ORIGINS poll across origins; the server's own page needs no CORS.
    ...(options.allowedOrigins.length > 0 ? { cors: { origin: options.allowedOrigins } } : {}),
    allowRequest(req, callback) {
      stats.requests += 1;
      const address = addressOf(req.socket);
      try {
        if (!ctx.origins.allows(req.headers.origin, req.headers.host)) {
          throw new ApiError(403, "forbidden_origin", `origin ${req.headers.origin} may not connect`);
        }
        hub.checkCapacity(address);
        const held = hub.connectionCount + pendingTotal;
        if (
          held >= options.maxConnections ||
          hub.connectionsOf(address) + (pending.get(address) ?? 0) >= options.maxConnectionsPerAddress
        ) {
          throw new ApiError(503, "connection_limit", "connection limit reached");
        }
      } catch (err) {
        stats.errors += 1;
        callback(err instanceof ApiError ? err.code : "bad_request", false);
        return;
      }
      callback(null, true);
    },
  });
  engine.on("connection", (conn: Conn) => {
    const address = addressOf(conn.request.socket);
    conn[ADDRESS] = address;
    conn[PENDING] = true;
    pendingTotal += 1;
    bump(pending, address, 1);
    conn.on("packet", onPacket);
    conn.once("close", onConnClose);
  });
  function onPacket(this: Conn, packet: { type: string }) {
    if (packet.type !== "message") return;
    const address = this[ADDRESS] ?? "unknown";
    if (ctx.publishLimiter.take(address)) return;
    counters.publishes.rateLimited += 1;
    stats.errors += 1;
    this.close();
  }
  function onConnClose(this: Conn) {
    settle(this);
  }

  const io = new Server({ serveClient: false, connectTimeout: CONNECT_TIMEOUT_MS });
  io.bind(engine as unknown as Parameters<Server["bind"]>[0]);
  const feeds = new Map<string, RoomFeed>();
  const host: SessionHost = {
    ctx,
    join(session) {
      const name = session.channel.name;
      let feed = feeds.get(name);
      if (feed === undefined || feed.channel !== session.channel) {
        feed = new RoomFeed(io, session.channel, counters);
        feeds.set(name, feed);
      }
      feed.add(session);
    },
    leave(session) {
      const feed = feeds.get(session.channel.name);
      if (feed?.channel === session.channel && feed.remove(session)) feeds.delete(session.channel.name);
    },
  };

  // The handshake's `auth` is checked as the four transports check `?cursor=`; a refusal is the
  // client's `connect_error`, with the status and code in its `data`.
  io.use(async (socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as SocketIoAuth;
    const address = (socket.conn as Conn)[ADDRESS];
    try {
      const name = checkChannelName(typeof auth.channel === "string" ? auth.channel : GUEST_CHANNEL);
      const cursor = requireCursor(typeof auth.cursor === "string" ? auth.cursor : undefined);
      // Resolved before the channel is made: a cursor beyond the head leaves nothing behind.
      const start: StartPoint = resolveCursor(await hub.headOf(name), cursor);
      // Engine.IO drops a socket whose connection closed during this wait; its channel goes too.
      const gone = () => socket.conn.readyState !== "open";
      const channel = await hub.obtainHeld(name, address ?? "unknown", gone);
      if (!channel) return next(new Error("the client left"));
      socket.data = { channel, start } satisfies Admitted;
      next();
    } catch (err) {
      stats.errors += 1;
      next(refusal(err));
    }
  });
  io.on("connection", (socket) => {
    const conn = socket.conn as Conn;
    const { channel, start } = socket.data as Admitted;
    settle(conn);
    new SocketIoSession(socket, channel, conn[ADDRESS] ?? "unknown", host).start(start);
  });

  every(ctx, SLOW_SWEEP_MS, () => {
    for (const socket of io.of("/").sockets.values()) {
      if (bufferedBytesOf(socket) <= options.maxBufferedBytes) continue;
      stats.errors += 1;
      (socket.data as SocketIoSession).tooSlow();
    }
  });

  const prefix = SOCKET_IO_PATH;
  const clientFiles = createClientFiles();
  return {
    handles: (url) => url?.startsWith(prefix) === true,
    handleRequest: (req, res) => {
      if (!clientFiles(req, res)) engine.handleRequest(req as never, res);
    },
    handleUpgrade: (req, socket, head) => engine.handleUpgrade(req as never, socket, head),
    close() {
      io.close();
    },
    terminate() {
      const clients = (engine as unknown as { clients: Record<string, Conn> }).clients;
      for (const conn of Object.values(clients)) {
        (conn.transport as { socket?: { terminate?: () => void } }).socket?.terminate?.();
        conn.close(true);
      }
    },
  };
}
