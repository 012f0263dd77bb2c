import { CLOSE_CODES, type Json, transportPath } from "@transport-lab/protocol";
import type { ReplyFrame } from "../attempt.ts";
import { ClientError, isFatalStatus } from "../errors.ts";
import type { SentFrame } from "../link.ts";
import type { WebSocketEnd, WebSocketLike } from "../platform.ts";
import {
  type DropReason,
  GAP_DROP,
  type PublishResult,
  type Transport,
  type TransportContext,
  type TransportDrop,
  type TransportFactory,
} from "../transport.ts";

interface Pending {
  resolve(value: PublishResult | number): void;
  reject(error: Error): void;
}

/** Maps a close code from the server to why the connection ended. */
export function dropReasonForClose(code: number): DropReason {
  switch (code) {
    case CLOSE_CODES.serviceRestart:
      return "server_restart";
    case CLOSE_CODES.goingAway:
      return "going_away";
    case CLOSE_CODES.tryAgainLater:
      return "too_slow";
    case CLOSE_CODES.abnormal:
      return "network";
    default:
      return "server_closed";
  }
}

/** Why a socket ended, as a drop: a refused handshake by its status, else by its close code. */
export function dropOfSocketEnd(end: WebSocketEnd): TransportDrop {
  if (end.status !== undefined) {
    return {
      reason: "http_error",
      detail: `HTTP ${end.status}`,
      status: end.status,
      fatal: isFatalStatus(end.status),
    };
  }
  const detail = end.error ?? `close ${end.code}${end.reason === "" ? "" : ` ${end.reason}`}`;
  return { reason: dropReasonForClose(end.code), detail, fatal: false };
}

/**
 * WebSocket: one upgrade request, then JSON text frames both ways. Publishes are `publish`
 * frames with a `ref` resolved by the matching `ack`; clock samples are `ping` frames answered by
 * `pong`. Everything the server sends goes to the attempt, which hands back the answers.
 */
class WsTransport implements Transport {
  readonly name = "ws" as const;
  readonly publishNeedsOpen = true;
  readonly ping: () => Promise<number>;
  #socket: WebSocketLike | undefined;
  #nextRef = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(readonly ctx: TransportContext) {
    this.ping = () => this.#request("ping", undefined) as Promise<number>;
  }

  open(): void {
    this.#teardown();
    const { ctx } = this;
    const attempt = ctx.link.begin();
    const url =
      ctx.baseUrl.replace(/^http/, "ws") + transportPath("ws", ctx.channel, { cursor: ctx.cursor() });
    this.#socket = ctx.platform.openWebSocket(url, ctx.link.recorder, {
      message: (text, wireBytes) => {
        const reply = attempt.frame(text, wireBytes);
        if (reply !== undefined) this.#settle(reply);
      },
      close: (end) => {
        if (!attempt.live) return;
        this.#socket = undefined;
        this.#failPending("connection_lost", `connection closed (${end.code}) before the server answered`);
        attempt.end(dropOfSocketEnd(end));
      },
    });
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.ctx.link.stop();
    this.#teardown();
    if (socket !== undefined) await socket.closed;
  }

  resync(): void {
    const attempt = this.ctx.link.attempt;
    if (this.#socket === undefined || attempt === undefined) return;
    this.#teardown(CLOSE_CODES.resync, "resync");
    attempt.end(GAP_DROP);
  }

  publish(data: Json): Promise<PublishResult> {
    return this.#request("publish", data) as Promise<PublishResult>;
  }

  #request(type: SentFrame["type"], data: Json | undefined): Promise<PublishResult | number> {
    const socket = this.#socket;
    if (socket === undefined || this.ctx.link.attempt?.opened !== true) {
      return Promise.reject(new ClientError("not_open", `cannot ${type}: the WebSocket is not open`));
    }
    const ref = this.#nextRef++;
    const text =
      type === "publish"
        ? `{"type":"publish","ref":${ref},"data":${JSON.stringify(data)}}`
        : `{"type":"ping","ref":${ref}}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(ref, { resolve, reject });
      this.ctx.link.sent({ type, ref }, socket.send(text));
    });
  }

  /** An ack, pong or error frame: settles the request its `ref` names (ours are numbers). */
  #settle(frame: ReplyFrame): void {
    const pending = typeof frame.ref === "number" ? this.#pending.get(frame.ref) : undefined;
    if (pending === undefined) return;
    this.#pending.delete(frame.ref as number);
    if (frame.type === "ack") pending.resolve({ seq: frame.seq, cursor: frame.cursor });
    else if (frame.type === "pong") pending.resolve(frame.time);
    else pending.reject(new ClientError(frame.code, frame.message));
  }

  #failPending(code: "connection_lost" | "closed", message: string): void {
    if (this.#pending.size === 0) return;
    const error = new ClientError(code, message);
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  /** Forgets the current socket and starts closing it; its callbacks belong to an attempt that ended or is ending. */
  #teardown(code: number = CLOSE_CODES.normal, reason = "client closed"): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#failPending("closed", "the WebSocket was closed before the server answered");
    socket?.close(code, reason);
  }
}

/** Creates the WebSocket transport. */
export const ws: TransportFactory = (ctx) => new WsTransport(ctx);
