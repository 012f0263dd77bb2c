import {
  formatCursor,
  type HelloFrame,
  type ResetReason,
  type ServerTransportCounters,
} from "@transport-lab/protocol";
import type { Channel } from "./channel.ts";
import { type ChannelLog, type LogState, type LogSubscriber, wallClock } from "./channel-log.ts";
import type { LogEntry } from "./log-entry.ts";
import type { StartPoint } from "./resolve-cursor.ts";

/** One streaming connection (a WebSocket or an SSE response) that a {@link Delivery} writes to. */
export interface Sink {
  /** Bytes accepted for writing and not yet taken by the kernel. */
  readonly bufferedBytes: number;
  /** False once the connection is closing: nothing more is written. */
  readonly writable: boolean;
  /** Writes one entry in the connection's wire format; returns the bytes written. */
  write(entry: LogEntry): number;
  /** The reader fell more than `maxBufferedBytes` behind: cut it (it resumes from its cursor). */
  tooSlow(): void;
  /** Writes a reset: the delivery continues after `cursor` (docs/protocol.md §9). */
  reset(reason: ResetReason, cursor: string): void;
}

/**
 * Streams a channel to one sink from a start point: the retained backlog,
 * then live entries, each exactly once and in order. Live entries that arrive
 * while the backlog is read are held and de-duplicated by seq, so the switch
 * from history to live loses and repeats nothing.
 *
 * A reader more than `maxBufferedBytes` behind is cut, except that the
 * replayed backlog is allowed on top of the limit: it can exceed the limit on
 * its own, and a client cut during every replay would never catch up.
 *
 * One object per connection, itself the log's subscriber: at 10,000 idle
 * connections a set of closures per subscription shows in memory.
 */
export class Delivery implements LogSubscriber {
  #lastSeq = 0;
  /** Live entries held while the backlog is read; undefined once live. */
  #pending: LogEntry[] | undefined = [];
  /** Bytes of replayed backlog allowed above the buffer limit. */
  #allowance = 0;
  #stopped = false;

  constructor(
    readonly log: ChannelLog,
    readonly sink: Sink,
    readonly stats: ServerTransportCounters,
    readonly maxBufferedBytes: number,
  ) {}

  /**
   * Writes the reset `from` carries (if any), subscribes and replays the backlog; resolves once
   * delivery is live. Call it right after the connection's hello.
   */
  async start(from: StartPoint): Promise<void> {
    this.#lastSeq = from.afterSeq;
    if (from.reset !== undefined) this.sink.reset(from.reset, from.cursor);
    this.log.subscribe(this);
    try {
      const backlog = await this.log.readAfter(this.#lastSeq, Number.MAX_SAFE_INTEGER);
      if (this.#stopped) return;
      const first = backlog[0];
      if (first && first.seq > this.#lastSeq + 1) {
        this.sink.reset("expired", formatCursor(first.epoch, first.seq - 1));
      }
      for (const entry of backlog) this.#send(entry);
      for (const entry of this.#pending ?? []) this.#send(entry);
    } catch (err) {
      this.stop();
      throw err;
    } finally {
      this.#pending = undefined;
    }
  }

  /** The seq of the last entry handed to the sink, or skipped as one it already had. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Log subscriber contract. */
  receive(entry: LogEntry): void {
    if (this.#pending) this.#pending.push(entry);
    else this.#send(entry);
  }

  /** Ends the subscription (idempotent; safe while the backlog is still being read). */
  stop(): void {
    this.#stopped = true;
    this.log.unsubscribe(this);
  }

  #send(entry: LogEntry): void {
    if (entry.seq <= this.#lastSeq) return;
    // A live entry past the next one: messages were evicted before this instance could hand them
    // over (a shared log fell behind). Cut, so that the client resumes and gets its `expired` reset.
    const skipped = this.#pending === undefined && entry.seq > this.#lastSeq + 1;
    this.#lastSeq = entry.seq;
    const { sink, stats } = this;
    if (this.#stopped || !sink.writable) return;
    const replaying = this.#pending !== undefined;
    if (skipped || (!replaying && sink.bufferedBytes > this.maxBufferedBytes + this.#allowance)) {
      stats.errors += 1;
      sink.tooSlow();
      return;
    }
    const bytes = sink.write(entry);
    if (replaying) this.#allowance += bytes;
    stats.messagesOut += 1;
    stats.bytesOut += bytes;
  }
}

/** The `hello` both streaming transports send first: the head (`seq`) and where this delivery starts. */
export function helloFrame(channel: Channel, state: LogState, start: StartPoint): HelloFrame {
  return {
    type: "hello",
    channel: channel.name,
    epoch: state.epoch,
    seq: state.seq,
    cursor: start.cursor,
    time: wallClock(),
  };
}
