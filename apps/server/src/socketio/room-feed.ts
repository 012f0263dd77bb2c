import { SOCKET_IO_EVENTS } from "@transport-lab/protocol";
import type { Server } from "socket.io";
import type { Channel } from "../channel.ts";
import type { LogSubscriber } from "../channel-log.ts";
import type { LogEntry } from "../log-entry.ts";
import type { ServerCounters } from "../server-metrics.ts";

/** A socket whose backlog is sent, waiting to be fed from its channel's room. */
export interface RoomMember {
  /** The last seq its own delivery sent (or skipped as one it had). */
  readonly sentSeq: number;
  /** Joins the room and ends its own delivery: from the next entry on, the room feeds it. */
  enter(): void;
}

/**
 * The live part of Socket.IO delivery for one channel: one log subscriber that emits each message
 * to the channel's room with `io.to(room).emit("message", envelope)`, which encodes the packet
 * once and (Socket.IO 4.8 with `ws`, compression off) builds its WebSocket frame once for every
 * socket. The feed subscribes while it has members.
 *
 * A member enters the room only where its own delivery stands exactly at the feed's position, so
 * it gets each entry once: its backlog, read from the store, can be ahead of what a shared log's
 * subscription has handed over, and until the feed gets there the member stays outside, its own
 * delivery skipping what it already sent and sending what comes after.
 */
export class RoomFeed implements LogSubscriber {
  readonly #members = new Set<RoomMember>();
  /** Members whose delivery is ahead of the feed. */
  readonly #waiting = new Set<RoomMember>();

  constructor(
    readonly io: Server,
    readonly channel: Channel,
    readonly counters: ServerCounters,
  ) {}

  /**
   * A member's backlog is sent. Not called while the log hands an entry over (it runs after a
   * read), so every subscriber has had `log.delivered()`. Every add subscribes (twice changes
   * nothing): a log that began a new epoch dropped its subscribers while the members it cut were
   * still leaving.
   */
  add(member: RoomMember): void {
    this.#members.add(member);
    const { log } = this.channel;
    // Subscribed before the member's delivery leaves: a shared log whose last subscriber left
    // would stop following its channel, and start again after what it had seen, not sent.
    log.subscribe(this);
    if (member.sentSeq === log.delivered()) member.enter();
    else this.#waiting.add(member);
  }

  /** A socket left; true when it was the feed's last member (the feed unsubscribed and can be dropped). */
  remove(member: RoomMember): boolean {
    this.#waiting.delete(member);
    if (!this.#members.delete(member) || this.#members.size > 0) return false;
    this.channel.log.unsubscribe(this);
    return true;
  }

  receive(entry: LogEntry): void {
    // The log hands an entry to its subscribers in the order they subscribed: a member's delivery
    // that came before the feed has sent this entry already, one that comes after has not.
    // A waiting member whose delivery has sent everything before this entry enters now and gets
    // it from the room (its delivery, unsubscribed, no longer sees it).
    this.#letIn(entry.seq - 1);
    const room = this.io.of("/").adapter.rooms.get(this.channel.name);
    if (room !== undefined && room.size > 0) {
      this.io.to(this.channel.name).emit(SOCKET_IO_EVENTS.message, JSON.parse(entry.json));
      const stats = this.counters.transports.socketio;
      stats.messagesOut += room.size;
      // The `42["message",…]` packet each socket gets: the envelope and 14 bytes around it.
      stats.bytesOut += room.size * (entry.size + 14);
    }
    // One whose delivery sent this entry itself enters after it: the room feeds it from the next.
    this.#letIn(entry.seq);
  }

  /** Lets in the waiting members whose delivery's last seq is `seq`. */
  #letIn(seq: number): void {
    for (const member of this.#waiting) {
      if (member.sentSeq !== seq) continue;
      this.#waiting.delete(member);
      member.enter();
    }
  }
}
