import { utf8Length, wsFrameBytes } from "@transport-lab/metrics";
import type { Json, ServerFrame } from "@transport-lab/protocol";
import { CLOSE_CODES } from "@transport-lab/protocol";
import { Emitter } from "../emitter.ts";
import { ClientError, isFatalStatus } from "../errors.ts";
import type { WebSocketLike } from "../platform.ts";
import type {
  DropReason,
  PublishResult,
  Transport,
  TransportContext,
  TransportEvents,
  TransportFactory,
} from "../transport.ts";
import { channelPath } from "./shared.ts";

interface Pending {
  resolve(value: PublishResult | number): void;
  reject(error: Error): void;
}

/** Close code this client uses to drop a connection itself (after a gap); 4000–4999 are private use. */
export const RESYNC_CLOSE_CODE = 4000;

/** Maps a close code from the server to why the connection ended. */
export function dropReasonForClose(code: number): DropReason {
  switch (code) {
    case CLOSE_CODES.serviceRestart:
      return "server_restart";
    case CLOSE_CODES.goingAway:
      return "going_away";
    case CLOSE_CODES.tryAgainLater:
      return "too_slow";
    case 1006:
      return "network";
    default:
      return "server_closed";
  }
}

/**
 * WebSocket: one upgrade request (counted as 1 HTTP request), then JSON text
 * frames both ways. Publishes are `publish` frames with a `ref` resolved by
 * the matching `ack`; clock samples are `ping` frames answered by `pong`.
 */
class WsTransport implements Transport {
  readonly name = "ws" as const;
  readonly events = new Emitter<TransportEvents>();
  readonly publishNeedsOpen = true;
  readonly ping: () => Promise<number>;
  #socket: WebSocketLike | undefined;
  #open = false;
  #nextRef = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #measured: boolean;

  constructor(readonly ctx: TransportContext) {
    this.#measured = ctx.platform.measures.webSocket;
    this.ping = () => this.#request("ping", undefined) as Promise<number>;
  }

  open(): void {
    this.#teardown();
    const { ctx } = this;
    const base = ctx.baseUrl.replace(/^http/, "ws");
    const url = base + channelPath(ctx.channel, "ws", ctx.cursor());
    ctx.stats.metrics.recordRequest();
    let status: number | undefined;
    let error = "";
    const socket: WebSocketLike = ctx.platform.openWebSocket(url, ctx.stats, {
      open: () => {
        if (socket === this.#socket) this.#open = true;
      },
      message: (text, payloadBytes) => {
        if (socket === this.#socket) this.#frame(text, payloadBytes);
      },
      error: (message, httpStatus) => {
        status = httpStatus;
        error = message;
      },
      close: (code, reason) => {
        if (socket !== this.#socket) return;
        this.#socket = undefined;
        this.#open = false;
        this.#failPending("connection_lost", `connection closed (${code}) before the server answered`);
        // The server's close frame (unmasked): no payload for 1005 (no status), else the code and the reason.
        const bytes = wsFrameBytes(code === 1005 ? 0 : 2 + utf8Length(reason), false);
        ctx.stats.computedIn(bytes, this.#measured);
        if (status !== undefined) {
          ctx.stats.metrics.recordError();
          this.events.emit("close", {
            reason: "http_error",
            detail: `HTTP ${status}`,
            status,
            fatal: isFatalStatus(status),
          });
          return;
        }
        const detail = error === "" ? `close ${code}${reason === "" ? "" : ` ${reason}`}` : error;
        this.events.emit("close", { reason: dropReasonForClose(code), detail, fatal: false });
      },
    });
    this.#socket = socket;
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#teardown();
    if (socket !== undefined) await socket.closed;
  }

  resync(): void {
    if (this.#socket === undefined) return;
    this.#teardown(RESYNC_CLOSE_CODE, "resync");
    this.events.emit("close", { reason: "gap", detail: "seq gap: resuming from the cursor", fatal: false });
  }

  publish(data: Json): Promise<PublishResult> {
    this.ctx.stats.metrics.recordPublish();
    return this.#request("publish", data) as Promise<PublishResult>;
  }

  #request(type: "publish" | "ping", data: Json | undefined): Promise<PublishResult | number> {
    const socket = this.#socket;
    if (socket === undefined || !this.#open) {
      return Promise.reject(new ClientError("not_open", `cannot ${type}: the WebSocket is not open`));
    }
    const ref = this.#nextRef++;
    const text =
      type === "publish"
        ? `{"type":"publish","ref":${ref},"data":${JSON.stringify(data)}}`
        : `{"type":"ping","ref":${ref}}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(ref, { resolve, reject });
      const payloadBytes = socket.send(text);
      this.#sent(payloadBytes, type === "publish" ? `publish ref=${ref}` : `ping ref=${ref}`);
    });
  }

  #sent(payloadBytes: number, summary: string): void {
    const { stats, wire } = this.ctx;
    const bytes = wsFrameBytes(payloadBytes, true);
    stats.framesOut += 1;
    stats.computedOut(bytes, this.#measured);
    if (wire.enabled) wire.emit("out", "frame", bytes, "computed", summary);
  }

  #frame(text: string, payloadBytes: number): void {
    const { stats, wire } = this.ctx;
    const bytes = wsFrameBytes(payloadBytes, false);
    stats.framesIn += 1;
    stats.computedIn(bytes, this.#measured);
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      stats.metrics.recordError();
      return;
    }
    switch (frame.type) {
      case "message":
        stats.received += 1;
        if (wire.enabled) wire.emit("in", "frame", bytes, "computed", `message #${frame.seq}`);
        this.events.emit("message", frame);
        return;
      case "hello":
        if (wire.enabled) wire.emit("in", "frame", bytes, "computed", `hello cursor=${frame.cursor}`);
        this.events.emit("sync", { cursor: frame.cursor });
        this.events.emit("open", { cursor: frame.cursor });
        return;
      case "reset":
        if (wire.enabled)
          wire.emit("in", "frame", bytes, "computed", `reset ${frame.reason} → ${frame.cursor}`);
        this.events.emit("reset", { reason: frame.reason, cursor: frame.cursor });
        return;
      case "ack":
      case "pong": {
        if (wire.enabled) wire.emit("in", "frame", bytes, "computed", `${frame.type} ref=${frame.ref}`);
        const pending = typeof frame.ref === "number" ? this.#pending.get(frame.ref) : undefined;
        if (pending === undefined) return;
        this.#pending.delete(frame.ref as number);
        pending.resolve(frame.type === "ack" ? { seq: frame.seq, cursor: frame.cursor } : frame.time);
        return;
      }
      case "error": {
        if (wire.enabled) wire.emit("in", "frame", bytes, "computed", `error ${frame.code}`);
        stats.metrics.recordError();
        const pending = typeof frame.ref === "number" ? this.#pending.get(frame.ref) : undefined;
        if (pending === undefined) return;
        this.#pending.delete(frame.ref as number);
        pending.reject(new ClientError(frame.code, frame.message));
        return;
      }
    }
  }

  #failPending(code: "connection_lost" | "closed", message: string): void {
    if (this.#pending.size === 0) return;
    const error = new ClientError(code, message);
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  /** Forgets the current socket (so none of its callbacks reach us) and starts closing it. */
  #teardown(code = 1000, reason = "client closed"): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#open = false;
    this.#failPending("closed", "the WebSocket was closed before the server answered");
    if (socket !== undefined) {
      socket.close(code, reason);
      this.ctx.stats.computedOut(wsFrameBytes(2 + utf8Length(reason), true), this.#measured);
    }
  }
}

/** Creates the WebSocket transport. */
export const ws: TransportFactory = (ctx) => new WsTransport(ctx);
