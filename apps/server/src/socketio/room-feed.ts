import { SOCKET_IO_EVENTS } from "@transport-lab/protocol";
import type { Server } from "socket.io";
import type { Channel } from "../channel.ts";
import type { LogSubscriber } from "../channel-log.ts";
import type { LogEntry } from "../log-entry.ts";
import type { ServerCounters } from "../server-metrics.ts";

/**
 * The live part of Socket.IO delivery for one channel: one log subscriber that emits each message
 * to the channel's room with `io.to(room).emit("message", envelope)`, which encodes the packet
 * once and (Socket.IO 4.8 with `ws`, compression off) builds its WebSocket frame once for every
 * socket. Sockets join after their backlog (see `socket-io-session.ts`); the feed subscribes while
 * its room has members.
 */
export class RoomFeed implements LogSubscriber {
  #members = 0;

  constructor(
    readonly io: Server,
    readonly channel: Channel,
    readonly counters: ServerCounters,
  ) {}

  /**
   * A socket joined the room. Every join subscribes (twice changes nothing): a log that began a
   * new epoch (its shared store lost its data) dropped its subscribers while the members it cut
   * were still leaving.
   */
  joined(): void {
    this.#members += 1;
    this.channel.log.subscribe(this);
  }

  /** A member left; true when the room is empty (the feed unsubscribed and can be dropped). */
  left(): boolean {
    if (--this.#members > 0) return false;
    this.channel.log.unsubscribe(this);
    return true;
  }

  receive(entry: LogEntry): void {
    const room = this.io.of("/").adapter.rooms.get(this.channel.name);
    if (room === undefined || room.size === 0) return;
    this.io.to(this.channel.name).emit(SOCKET_IO_EVENTS.message, JSON.parse(entry.json));
    const stats = this.counters.transports.socketio;
    stats.messagesOut += room.size;
    // The `42["message",…]` packet each socket gets: the envelope and 14 bytes around it.
    stats.bytesOut += room.size * (entry.size + 14);
  }
}
