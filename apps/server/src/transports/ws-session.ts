import type { Socket } from "node:net";
import {
  type AckFrame,
  CLOSE_CODES,
  clientFrameSchema,
  type ErrorCode,
  type ErrorFrame,
  formatCursor,
  type HelloFrame,
  type PongFrame,
  type Ref,
  type ResetFrame,
  type ResetReason,
  WS_READY_STATE,
} from "@transport-lab/protocol";
import type { RawData, WebSocket } from "ws";
import type { Channel, Connection, CutReason } from "../channel.ts";
import { wallClock } from "../channel-log.ts";
import type { AppContext } from "../context.ts";
import { Delivery, helloFrame, type Sink } from "../delivery.ts";
import { ApiError } from "../errors.ts";
import { cutPromptly } from "../links/cut-promptly.ts";
import type { LogEntry } from "../log-entry.ts";
import type { StartPoint } from "../resolve-cursor.ts";
import { validate } from "../validate.ts";
import type { PeerSocket, WsPeer } from "./peer-socket.ts";
import { sendFrame } from "./ws-frame.ts";

/** A peer cut as too slow gets this long to read its close frame before its socket is destroyed. */
export const SLOW_CLOSE_GRACE_MS = 2000;
/** A frame refused by the rate limit is parsed only up to this size, to echo its `ref`. */
const REF_PEEK_BYTES = 1024;

/**
 * One open WebSocket: hello, an optional reset, then the messages; takes
 * publish and ping frames. One object per socket, the socket's peer (it gets the socket's events
 * without listeners), rather than a set of closures, because at 10,000 idle sockets every
 * closure, context and listener is felt in memory per connection.
 */
export class WsSession implements Connection, Sink, WsPeer {
  readonly transport = "ws";
  alive = true;
  readonly #delivery: Delivery;

  constructor(
    readonly ws: PeerSocket,
    readonly channel: Channel,
    /** Client address: its held-connection count and its share of the publish rate limit. */
    readonly address: string,
    readonly ctx: AppContext,
    /** The upgraded TCP socket (`ws` keeps its own private): a cut through a link needs it. */
    readonly socket: Socket,
  ) {
    const stats = ctx.counters.transports.ws;
    this.#delivery = new Delivery(channel.log, this, stats, ctx.options.maxBufferedBytes);
  }

  /** Takes the socket's events, sends the hello and starts delivery from `start` (resolved before the upgrade). */
  start(start: StartPoint): void {
    const { ws, channel, ctx } = this;
    ws.peer = this;
    ctx.hub.attach(channel, this);
    this.json(helloFrame(channel, channel.log.state(), start));
    this.#delivery.start(start).catch(() => ws.close(1011, "delivery failed"));
  }

  /** Hub contract: disconnect (1012, a simulated fault) or shutdown (1001). */
  cut(reason: CutReason): void {
    this.ws.close(reason === "shutdown" ? CLOSE_CODES.goingAway : CLOSE_CODES.serviceRestart, reason);
    cutPromptly(this.socket);
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  get writable(): boolean {
    return this.ws.readyState === WS_READY_STATE.open;
  }

  /** The entry's frame, built once for every socket, written straight to this socket's TCP socket. */
  write(entry: LogEntry): number {
    return sendFrame(this.ws, entry.wsFrame);
  }

  /** Closes with 1013; a peer that does not read even that is destroyed, which frees its buffer. */
  tooSlow(): void {
    this.ws.close(CLOSE_CODES.tryAgainLater, "slow consumer");
    setTimeout(terminate, SLOW_CLOSE_GRACE_MS, this.ws).unref();
  }

  /** A reply (hello, reset, ack, pong, error): held to the same buffer limit as the messages. */
  json(frame: HelloFrame | ResetFrame | AckFrame | PongFrame | ErrorFrame): void {
    if (this.ws.readyState !== WS_READY_STATE.open) return;
    if (this.ws.bufferedAmount > this.ctx.options.maxBufferedBytes) {
      this.ctx.counters.transports.ws.errors += 1;
      this.tooSlow();
      return;
    }
    this.ws.send(JSON.stringify(frame));
  }

  error(code: ErrorCode, message: string, ref?: Ref): void {
    this.ctx.counters.transports.ws.errors += 1;
    this.json(ref === undefined ? { type: "error", code, message } : { type: "error", code, message, ref });
  }

  reset(reason: ResetReason, cursor: string): void {
    this.json({ type: "reset", reason, cursor });
  }

  /** Peer contract: a frame from the client. */
  message(raw: RawData, isBinary: boolean) {
    const { options, counters, publishLimiter } = this.ctx;
    // The token comes first: a client over the limit costs no parsing or validation.
    if (!publishLimiter.take(this.address)) {
      counters.publishes.rateLimited += 1;
      return this.error(
        "rate_limited",
        `rate limit is ${options.rateLimit} frames/s per client`,
        peekRef(raw),
      );
    }
    if (isBinary) return this.error("bad_frame", "frames must be JSON text");
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString());
    } catch {
      return this.error("bad_json", "frame is not valid JSON");
    }
    const frame = validate(clientFrameSchema, parsed);
    if (!frame.ok) {
      const ref = (parsed as { ref?: unknown } | null)?.ref;
      const validRef = typeof ref === "string" || typeof ref === "number" ? ref : undefined;
      return this.error("bad_frame", frame.message, validRef);
    }
    if (frame.value.type === "ping") {
      return this.json({ type: "pong", ref: frame.value.ref ?? null, time: wallClock() });
    }
    // `data` as parsed, not zod's rebuilt copy, which would drop `__proto__` keys.
    this.publish((parsed as { data: unknown }).data, frame.value.ref).catch((err: unknown) => {
      if (err instanceof ApiError) return this.error(err.code, err.message, frame.value.ref);
      this.error("internal", err instanceof Error ? err.message : "publish failed", frame.value.ref);
    });
  }

  async publish(data: unknown, ref: Ref | undefined) {
    const { options, counters } = this.ctx;
    const dataJson = JSON.stringify(data);
    if (Buffer.byteLength(dataJson) > options.maxBodyBytes) {
      return this.error("payload_too_large", `data is over ${options.maxBodyBytes} bytes`, ref);
    }
    const entry = await this.ctx.hub.append(this.channel, dataJson, this.address);
    counters.publishes.ws += 1;
    this.json({
      type: "ack",
      ref: ref ?? null,
      seq: entry.seq,
      cursor: formatCursor(entry.epoch, entry.seq),
    });
  }

  /** Peer contract: a socket error (its close follows). */
  failed(): void {
    this.ctx.counters.transports.ws.errors += 1;
  }

  closed(): void {
    this.#delivery.stop();
    this.ctx.hub.detach(this.channel, this);
  }
}

/** The `ref` of a small frame, to answer a refused one in a way the client can match. */
function peekRef(raw: RawData): Ref | undefined {
  if (!Buffer.isBuffer(raw) || raw.length > REF_PEEK_BYTES) return undefined;
  try {
    const ref = (JSON.parse(raw.toString()) as { ref?: unknown } | null)?.ref;
    return typeof ref === "string" || typeof ref === "number" ? ref : undefined;
  } catch {
    return undefined;
  }
}

/** Destroys a socket: for a peer that did not read its close frame within the grace. */
export function terminate(ws: WebSocket) {
  ws.terminate();
}
