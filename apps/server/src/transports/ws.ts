import { upgradeWebSocket } from "@hono/node-server";
import {
  type AckFrame,
  CLOSE_CODES,
  type Cursor,
  clientFrameSchema,
  type ErrorCode,
  type ErrorFrame,
  formatCursor,
  type HelloFrame,
  type PongFrame,
  type Ref,
  type ResetFrame,
  type ResetReason,
} from "@transport-lab/protocol";
import type { Context, Hono } from "hono";
import type { WebSocket } from "ws";
import { wallClock } from "../channel-log.ts";
import { type AppContext, every, type NodeBindings, requireCursor } from "../context.ts";
import { openDelivery } from "../delivery.ts";
import { ApiError } from "../errors.ts";
import type { Channel } from "../hub.ts";
import type { LogEntry } from "../log-entry.ts";
import { createTokenBucket } from "../rate-limit.ts";
import { resolveCursor } from "../resolve-cursor.ts";
import { validate } from "../validate.ts";

type WsEnv = NodeBindings & { Variables: { channel: Channel; cursor: Cursor } };

/** True when a browser Origin may open a socket: same host as the request, or explicitly allowed. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: string[],
): boolean {
  if (!origin) return true; // not a browser (ws, curl): Origin is a browser-only protection
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * `GET /api/channels/:ch/ws?cursor=`: validates before the upgrade (a refused
 * upgrade answers with its status alone), then streams `hello`, an optional
 * `reset` and the messages, and takes `publish` and `ping` frames.
 */
export function mountWs(app: Hono<NodeBindings>, ctx: AppContext): void {
  const { hub, counters, options } = ctx;
  const stats = counters.transports.ws;
  const alive = new Map<WebSocket, boolean>();
  every(ctx, options.heartbeatMs, () => {
    for (const [socket, answered] of alive) {
      if (!answered) {
        stats.errors += 1;
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  });

  const route = app as unknown as Hono<WsEnv>;
  route.get(
    "/api/channels/:ch/ws",
    async (c: Context<WsEnv>, next) => {
      stats.requests += 1;
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        throw new ApiError(426, "bad_param", "this endpoint needs a WebSocket upgrade");
      }
      if (!originAllowed(c.req.header("origin"), c.req.header("host"), options.allowedOrigins)) {
        throw new ApiError(
          403,
          "forbidden_origin",
          `origin ${c.req.header("origin")} may not open WebSockets`,
        );
      }
      const cursor = requireCursor(c.req.query("cursor"));
      hub.checkCapacity();
      const channel = hub.obtain(c.req.param("ch") ?? "");
      resolveCursor(channel.log.state(), cursor); // 400 before the upgrade if the cursor is beyond the head
      c.set("channel", channel);
      c.set("cursor", cursor);
      await next();
    },
    upgradeWebSocket((c: Context<WsEnv>) => {
      const channel = c.get("channel");
      const cursor = c.get("cursor");
      let socket: WebSocket | undefined;
      let detach = () => {};
      let unsubscribe = () => {};
      let closed = false;
      const bucket = createTokenBucket(options.rateLimit, options.rateBurst);

      const sendJson = (frame: HelloFrame | ResetFrame | AckFrame | PongFrame | ErrorFrame) => {
        if (socket?.readyState === 1) socket.send(JSON.stringify(frame));
      };
      const sendError = (code: ErrorCode, message: string, ref?: Ref) => {
        stats.errors += 1;
        sendJson(
          ref === undefined ? { type: "error", code, message } : { type: "error", code, message, ref },
        );
      };
      const sendReset = (epoch: string, reason: ResetReason, afterSeq: number) =>
        sendJson({ type: "reset", reason, cursor: formatCursor(epoch, afterSeq) });
      const send = (entry: LogEntry) => {
        const ws = socket as WebSocket;
        if (ws.readyState !== 1) return;
        if (ws.bufferedAmount > options.maxBufferedBytes) {
          stats.errors += 1;
          ws.close(CLOSE_CODES.tryAgainLater, "slow consumer");
          return;
        }
        const frame = entry.wsFrame;
        ws.send(frame, { binary: false });
        stats.messagesOut += 1;
        stats.bytesOut += frame.length;
      };

      const publish = async (data: unknown, ref: Ref | undefined) => {
        if (!bucket.take()) {
          counters.publishes.rateLimited += 1;
          return sendError("rate_limited", `publish rate limit is ${options.rateLimit} msg/s`, ref);
        }
        const dataJson = JSON.stringify(data);
        if (Buffer.byteLength(dataJson) > options.maxBodyBytes) {
          return sendError("payload_too_large", `data is over ${options.maxBodyBytes} bytes`, ref);
        }
        counters.publishes.ws += 1;
        const entry = await channel.log.append(dataJson);
        const cursor = formatCursor(entry.epoch, entry.seq);
        sendJson({ type: "ack", ref: ref ?? null, seq: entry.seq, cursor });
      };

      return {
        async onOpen(_event, ws) {
          socket = ws.raw as WebSocket;
          const raw = socket;
          alive.set(raw, true);
          raw.on("pong", () => alive.set(raw, true));
          detach = hub.attach(channel, {
            transport: "ws",
            cut(reason) {
              raw.close(reason === "shutdown" ? CLOSE_CODES.goingAway : CLOSE_CODES.serviceRestart, reason);
            },
          });
          const state = channel.log.state();
          let start: ReturnType<typeof resolveCursor>;
          try {
            start = resolveCursor(state, cursor);
          } catch (err) {
            sendError("bad_cursor", err instanceof Error ? err.message : String(err));
            raw.close(1008, "bad cursor");
            return;
          }
          sendJson({
            type: "hello",
            channel: channel.name,
            epoch: state.epoch,
            seq: state.seq,
            cursor: start.cursor,
            time: wallClock(),
          });
          if (start.reset !== undefined) sendReset(state.epoch, start.reset, start.afterSeq);
          const stop = await openDelivery(channel, start, send, (afterSeq) =>
            sendReset(state.epoch, "expired", afterSeq),
          );
          if (closed) stop();
          else unsubscribe = stop;
        },
        onMessage(event) {
          if (typeof event.data !== "string") return sendError("bad_frame", "frames must be JSON text");
          let parsed: unknown;
          try {
            parsed = JSON.parse(event.data);
          } catch {
            return sendError("bad_json", "frame is not valid JSON");
          }
          const frame = validate(clientFrameSchema, parsed);
          if (!frame.ok) {
            const ref = (parsed as { ref?: unknown } | null)?.ref;
            const validRef = typeof ref === "string" || typeof ref === "number" ? ref : undefined;
            return sendError("bad_frame", frame.message, validRef);
          }
          if (frame.value.type === "ping") {
            return sendJson({ type: "pong", ref: frame.value.ref ?? null, time: wallClock() });
          }
          // `data` as parsed, not zod's rebuilt copy, which would drop `__proto__` keys.
          publish((parsed as { data: unknown }).data, frame.value.ref).catch((err: unknown) => {
            sendError("internal", err instanceof Error ? err.message : "publish failed", frame.value.ref);
          });
        },
        onClose() {
          closed = true;
          if (socket) alive.delete(socket);
          unsubscribe();
          detach();
        },
        onError() {
          stats.errors += 1;
        },
      };
    }),
  );
}
