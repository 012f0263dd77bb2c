import {
  type ErrorCode,
  formatCursor,
  GUEST_CHAT_NAMES,
  type ResetReason,
  SOCKET_IO_EVENTS,
  type SocketIoAck,
} from "@transport-lab/protocol";
import type { Socket } from "socket.io";
import type { Channel, Connection } from "../channel.ts";
import { wallClock } from "../channel-log.ts";
import type { AppContext } from "../context.ts";
import { Delivery, helloFrame, type Sink } from "../delivery.ts";
import { ApiError } from "../errors.ts";
import type { LogEntry } from "../log-entry.ts";
import type { StartPoint } from "../resolve-cursor.ts";
import type { RoomMember } from "./room-feed.ts";

/** What a session needs from its endpoint. */
export interface SessionHost {
  readonly ctx: AppContext;
  /** The socket's backlog is sent: its channel's room feed takes it over. */
  join(session: SocketIoSession): void;
  /** The socket is gone: its room feed lets it go, if it had it. */
  leave(session: SocketIoSession): void;
}

/** Bytes waiting to be sent on a Socket.IO connection: Engine.IO's queue and the WebSocket's buffer. */
export function bufferedBytesOf(socket: Socket): number {
  const conn = socket.conn as unknown as {
    writeBuffer?: { data?: unknown }[];
    transport?: { socket?: { bufferedAmount?: number } };
  };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    bytes +=
      typeof data === "string" ? data.length : ((data as { length?: number } | undefined)?.length ?? 0);
  }
  return bytes;
}

/**
 * One Socket.IO connection on one channel: held like any connection (the hub cuts it by closing
 * its Engine.IO connection, so the client reconnects by itself as after a network fault), fed its
 * backlog by its own {@link Delivery}, then live from its channel's room. Its handlers are shared
 * functions: `this` is the socket, whose `data` holds the session.
 */
export class SocketIoSession implements Connection, Sink, RoomMember {
  readonly transport = "socketio";
  readonly #delivery: Delivery;

  constructor(
    readonly socket: Socket,
    readonly channel: Channel,
    readonly address: string,
    readonly host: SessionHost,
  ) {
    const { ctx } = host;
    this.#delivery = new Delivery(
      channel.log,
      this,
      ctx.counters.transports.socketio,
      ctx.options.maxBufferedBytes,
    );
    socket.data = this;
  }

  /** Hello, then the backlog after `start` through the delivery, then the room. */
  start(start: StartPoint): void {
    const { socket, channel, host } = this;
    host.ctx.hub.attach(channel, this);
    socket.on(SOCKET_IO_EVENTS.message, onMessage);
    socket.on(SOCKET_IO_EVENTS.publish, onPublish);
    socket.on(SOCKET_IO_EVENTS.time, onTime);
    socket.on("disconnect", onDisconnect);
    socket.emit(SOCKET_IO_EVENTS.hello, helloFrame(channel, channel.log.state(), start));
    this.#delivery.start(start).then(
      () => {
        if (socket.connected) host.join(this);
      },
      () => socket.conn.close(),
    );
  }

  /** Room member contract. */
  get sentSeq(): number {
    return this.#delivery.lastSeq;
  }

  /**
   * Room member contract: live from the room from here on. The feed calls it where the delivery
   * has sent everything before the feed's next entry, so nothing is lost or repeated.
   */
  enter(): void {
    this.socket.join(this.channel.name);
    this.#delivery.stop();
  }

  /** Hub contract (disconnect, shutdown): the Engine.IO connection closes and the client reconnects. */
  cut(): void {
    this.socket.conn.close();
  }

  get bufferedBytes(): number {
    return bufferedBytesOf(this.socket);
  }

  get writable(): boolean {
    return this.socket.connected;
  }

  /** A backlog message, encoded for this socket alone. */
  write(entry: LogEntry): number {
    this.socket.emit(SOCKET_IO_EVENTS.message, JSON.parse(entry.json));
    return entry.size + 14;
  }

  /** Too far behind: its connection is dropped; it resumes from its cursor when it comes back. */
  tooSlow(): void {
    this.socket.conn.close(true);
    const ws = (this.socket.conn.transport as { socket?: { terminate?: () => void } }).socket;
    ws?.terminate?.();
  }

  reset(reason: ResetReason, cursor: string): void {
    this.socket.emit(SOCKET_IO_EVENTS.reset, { reason, cursor });
  }

  /** Publishes `dataJson` on the session's channel; answers `ack` with the seq or an error. */
  publish(dataJson: string, ack: Ack | undefined): void {
    const { ctx } = this.host;
    if (Buffer.byteLength(dataJson) > ctx.options.maxBodyBytes) {
      this.refuse(ack, "payload_too_large", `data is over ${ctx.options.maxBodyBytes} bytes`);
      return;
    }
    ctx.counters.publishes.socketio += 1;
    // The address's publish budget is shared by every instance.
    ctx.hub.append(this.channel, dataJson, this.address).then(
      (entry) => ack?.({ seq: entry.seq, cursor: formatCursor(entry.epoch, entry.seq) }),
      (err: unknown) =>
        err instanceof ApiError
          ? this.refuse(ack, err.code, err.message)
          : this.refuse(ack, "internal", err instanceof Error ? err.message : "publish failed"),
    );
  }

  refuse(ack: Ack | undefined, code: ErrorCode, message: string): void {
    this.host.ctx.counters.transports.socketio.errors += 1;
    ack?.({ error: { code, message } });
  }

  closed(): void {
    this.#delivery.stop();
    this.host.ctx.hub.detach(this.channel, this);
    this.host.leave(this);
  }
}

type Ack = (answer: SocketIoAck | { time: number }) => void;

const sessionOf = (socket: Socket): SocketIoSession | undefined =>
  socket.data instanceof SocketIoSession ? socket.data : undefined;

/** The ack callback a client passed as the event's last argument, if it did. */
const ackOf = (args: unknown[]): Ack | undefined => {
  const last = args.at(-1);
  return typeof last === "function" ? (last as Ack) : undefined;
};

// Shared handlers: `this` is the socket that emitted.
function onMessage(this: Socket, ...args: unknown[]) {
  const ack = ackOf(args);
  const text = args[0] === ack ? "" : args[0];
  const line = typeof text === "string" ? text : JSON.stringify(text ?? null);
  sessionOf(this)?.publish(JSON.stringify({ chat: { name: GUEST_CHAT_NAMES.socketio, text: line } }), ack);
}
function onPublish(this: Socket, ...args: unknown[]) {
  const ack = ackOf(args);
  const session = sessionOf(this);
  if (session === undefined) return;
  if (args.length === 0 || args[0] === ack) {
    session.refuse(ack, "bad_param", "publish(data, ack): data is missing");
    return;
  }
  session.publish(JSON.stringify(args[0]), ack);
}
function onTime(this: Socket, ...args: unknown[]) {
  ackOf(args)?.({ time: wallClock() });
}
function onDisconnect(this: Socket) {
  sessionOf(this)?.closed();
}
