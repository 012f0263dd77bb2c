import {
  decodeSocketIoAck,
  decodeSocketIoEvent,
  type Json,
  SOCKET_IO_EVENTS,
  SOCKET_IO_PATH,
  type SocketIoAuth,
  type SocketIoRefusal,
} from "@transport-lab/protocol";
import { io, type Socket } from "socket.io-client";
import type { Attempt } from "../attempt.ts";
import { ClientError, isFatalStatus } from "../errors.ts";
import type {
  PublishResult,
  Transport,
  TransportContext,
  TransportDrop,
  TransportFactory,
} from "../transport.ts";
import { type EngineLike, meterEngine } from "./engine-meter.ts";

/** How long a publish or clock sample waits for its ack. */
const ACK_TIMEOUT_MS = 10_000;

/** Why a Socket.IO connection ended, as a drop (Socket.IO's disconnect reasons carry no close code). */
export function dropOfDisconnect(reason: string): TransportDrop {
  switch (reason) {
    case "ping timeout":
      return { reason: "timeout", detail: reason, fatal: false };
    case "transport error":
      return { reason: "network", detail: reason, fatal: false };
    default:
      // "transport close" (the server closed the connection: a disconnect, a shutdown, a cut
      // reader), "io server disconnect", "parse error".
      return { reason: "server_closed", detail: reason, fatal: false };
  }
}

/** A refused connection (`connect_error`): the lab's middleware says its status in `data`. */
export function dropOfConnectError(err: Error & { data?: Partial<SocketIoRefusal> }): TransportDrop {
  const status = err.data?.status;
  if (typeof status === "number") {
    return {
      reason: "http_error",
      detail: `${status} ${err.data?.code ?? ""}`.trim(),
      status,
      fatal: isFatalStatus(status),
    };
  }
  return { reason: "network", detail: err.message, fatal: false };
}

/**
 * The lab's Socket.IO endpoint (docs/protocol.md §19) through `socket.io-client`, as a browser
 * would use it: long polling first, then the upgrade to WebSocket. Each attempt is a fresh
 * Socket.IO connection with Socket.IO's own reconnection off (the client reconnects, with its
 * backoff, from its cursor: the handshake's `auth`). `hello`, `reset` and `message` events go to
 * the attempt after the protocol's decoder; publishes and clock samples are events with acks.
 */
class SocketIoTransport implements Transport<"socketio"> {
  readonly name = "socketio" as const;
  readonly publishNeedsOpen = true;
  readonly ping: () => Promise<number>;
  #socket: Socket | undefined;

  constructor(
    readonly ctx: TransportContext,
    readonly options: SocketIoTransportOptions,
  ) {
    this.ping = async () => {
      const answer = (await this.#emit(SOCKET_IO_EVENTS.time)) as { time?: unknown } | undefined;
      if (typeof answer?.time !== "number") throw new ClientError("bad_response", "time ack without a time");
      return answer.time;
    };
  }

  open(): void {
    this.#teardown();
    const { ctx } = this;
    const attempt = ctx.link.begin();
    const cursor = ctx.cursor();
    const auth: SocketIoAuth =
      cursor === undefined ? { channel: ctx.channel } : { channel: ctx.channel, cursor };
    // A path prefix of the base URL (a proxy's) goes before Socket.IO's path, not into the namespace.
    const base = new URL(ctx.baseUrl);
    const path = `${base.pathname.replace(/\/$/, "")}${SOCKET_IO_PATH}`;
    const socket = io(base.origin, {
      path,
      auth,
      forceNew: true,
      reconnection: false,
      transports: this.options.websocketOnly === true ? ["websocket"] : ["polling", "websocket"],
    });
    this.#socket = socket;
    meterEngine(socket.io.engine as unknown as EngineLike, ctx.link, ctx.now, new URL(path, base.origin));
    for (const event of [SOCKET_IO_EVENTS.hello, SOCKET_IO_EVENTS.reset, SOCKET_IO_EVENTS.message]) {
      socket.on(event, (payload: unknown) => received(attempt, event, payload));
    }
    socket.on("connect_error", (err: Error & { data?: Partial<SocketIoRefusal> }) => {
      if (this.#socket === socket) this.#socket = undefined;
      socket.close();
      attempt.end(dropOfConnectError(err));
    });
    socket.on("disconnect", (reason: string) => {
      if (!attempt.live) return;
      if (this.#socket === socket) this.#socket = undefined;
      socket.close();
      attempt.end(dropOfDisconnect(reason));
    });
  }

  async close(): Promise<void> {
    this.ctx.link.stop();
    this.#teardown();
  }

  resync(): void {
    const attempt = this.ctx.link.attempt;
    if (this.#socket === undefined || attempt === undefined) return;
    this.#teardown();
    attempt.end({ reason: "gap", detail: "seq gap: resuming from the cursor", fatal: false });
  }

  async publish(data: Json): Promise<PublishResult> {
    this.ctx.link.recorder.metrics.recordPublish();
    const decoded = decodeSocketIoAck(await this.#emit(SOCKET_IO_EVENTS.publish, data));
    if (!decoded.ok) throw new ClientError("bad_response", decoded.error);
    const answer = decoded.value;
    if ("error" in answer) throw new ClientError(answer.error.code, answer.error.message);
    return answer;
  }

  /** Emits `event` with an ack on the open connection; resolves with the ack's first argument. */
  async #emit(event: string, ...args: unknown[]): Promise<unknown> {
    const socket = this.#socket;
    if (socket === undefined || this.ctx.link.attempt?.opened !== true) {
      throw new ClientError("not_open", `cannot ${event}: the Socket.IO connection is not open`);
    }
    try {
      return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args);
    } catch (err) {
      throw new ClientError(
        "connection_lost",
        `no ack for ${event}: ${err instanceof Error ? err.message : err}`,
      );
    }
  }

  /** Forgets the current connection and closes it; its callbacks belong to an attempt that ended. */
  #teardown(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close();
  }
}

/** A `hello`, `reset` or `message` event, decoded with the protocol's decoder and passed to the attempt. */
function received(attempt: Attempt, event: string, payload: unknown): void {
  if (!attempt.live) return;
  const decoded = decodeSocketIoEvent(event, payload);
  if (!decoded.ok) {
    if (!decoded.unknown) attempt.link.recorder.metrics.recordError();
    return;
  }
  const frame = decoded.value;
  if (frame.type === "hello") attempt.hello(frame.cursor);
  else if (frame.type === "reset") attempt.reset(frame.reason, frame.cursor);
  else attempt.deliver(frame);
}

/** How the Socket.IO transport connects. */
export interface SocketIoTransportOptions {
  /**
   * WebSocket from the start, no long polling before it (the benchmarks' configuration). Default
   * false: long polling, then the upgrade, as socket.io-client does out of the box.
   */
  readonly websocketOnly?: boolean;
}

/** Creates a Socket.IO transport factory connecting as `options` says. */
export function createSocketIoTransport(
  options: SocketIoTransportOptions = {},
): TransportFactory<"socketio"> {
  return (ctx) => new SocketIoTransport(ctx, options);
}

/** The Socket.IO transport as socket.io-client connects by default: long polling, then the upgrade. */
export const socketio: TransportFactory<"socketio"> = createSocketIoTransport();
