import { randomBytes } from "node:crypto";
import { LogEntry } from "./log-entry.ts";

/** Head and retention of a log at one instant. */
export interface LogState {
  readonly epoch: string;
  /** Last assigned seq; 0 before the first message. */
  readonly seq: number;
  /** Oldest retained seq; `seq + 1` when nothing is retained. */
  readonly oldestSeq: number;
  /** Sum of the retained entries' {@link LogEntry.size}. */
  readonly bytes: number;
}

/** Receives a log's new entries: an object, so that a subscription costs no closure. */
export interface LogSubscriber {
  /** The next entry, in seq order; a log shared by several instances may repeat one already handed over. */
  receive(entry: LogEntry): void;
}

/**
 * One channel's ordered log. The in-memory ring buffer is the embedded
 * default; the interface is async where storage is remote (Redis Streams,
 * `redis/redis-channel-log.ts`), so transports never assume a synchronous store.
 *
 * What every implementation must do:
 * - number appended entries 1, 2, 3 … in one epoch, without gaps or repeats, and hand each to
 *   every subscriber in order before `append` resolves;
 * - retain at most `historySize` entries and at most `maxBytes` bytes of them (an entry costs
 *   {@link LogEntry.size}, the UTF-8 bytes of its envelope JSON), evicting the oldest first, on
 *   every append; the newest entry is always retained, whatever its size;
 * - report the retained bytes in `state().bytes` and the oldest retained seq in
 *   `state().oldestSeq`, so that readers behind the evicted part get an `expired` reset;
 * - `trim` evicts the oldest entries on request: the hub does it to keep all channels together
 *   within the server's byte budget.
 */
export interface ChannelLog {
  readonly channel: string;
  /**
   * Head and retention as this process last knew them: exact for the in-memory log; for a log
   * shared by several instances, what the last append, delivery or read brought.
   */
  state(): LogState;
  /** Head and retention as the store has them now (resolves {@link state} for the in-memory log). */
  head(): Promise<LogState>;
  /**
   * The last seq handed to the subscribers (between two hand-overs, every subscriber has had it):
   * the head for the in-memory log; for a shared log, where its subscription has got to, which a
   * read of the store (`readAfter`) can be ahead of.
   */
  delivered(): number;
  /**
   * Sequences `dataJson` (already-serialized JSON) and notifies subscribers before resolving.
   * `lease`, a generator's lease token, limits the append to the lease holder where several
   * instances share the log (the in-memory log has one generator per channel and ignores it).
   */
  append(dataJson: string, lease?: string): Promise<LogEntry>;
  /**
   * Retained entries with seq > `afterSeq`, oldest first: at most `limit` of them, and no more
   * than `maxBytes` of them together except that the first is always included.
   */
  readAfter(afterSeq: number, limit: number, maxBytes?: number): Promise<LogEntry[]>;
  /** Evicts the oldest entries until at most `maxBytes` are retained (never the newest); resolves with the bytes freed. */
  trim(maxBytes: number): Promise<number>;
  /** Hands `subscriber` every entry appended from now on, in order. */
  subscribe(subscriber: LogSubscriber): void;
  /** Stops a subscription; a no-op for one that is not subscribed. */
  unsubscribe(subscriber: LogSubscriber): void;
}

/** A fresh random epoch: 12 URL-safe characters. */
export function newEpoch(): string {
  return randomBytes(9).toString("base64url");
}

/** Wall clock in ms with sub-ms precision (rounded to µs so the JSON stays short). */
export function wallClock(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}

/** Options of {@link createMemoryChannelLog}. */
export interface MemoryChannelLogOptions {
  channel: string;
  historySize: number;
  /** Byte budget of the retained entries; unlimited when absent. */
  maxBytes?: number;
  epoch?: string;
  now?: () => number;
}

/** The in-memory ring-buffer log: O(1) append and eviction, O(k) read of k entries. */
export function createMemoryChannelLog(opts: MemoryChannelLogOptions): ChannelLog {
  const { channel, historySize } = opts;
  const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  const epoch = opts.epoch ?? newEpoch();
  const now = opts.now ?? wallClock;
  const ring: (LogEntry | undefined)[] = new Array(historySize);
  const subscribers = new Set<LogSubscriber>();
  let head = 0;
  /** Oldest retained seq (`head + 1` when empty). */
  let tail = 1;
  let bytes = 0;

  const evictOldest = () => {
    const slot = tail % historySize;
    bytes -= (ring[slot] as LogEntry).size;
    ring[slot] = undefined;
    tail += 1;
  };
  const trimTo = (budget: number) => {
    const before = bytes;
    while (bytes > budget && tail < head) evictOldest();
    return before - bytes;
  };

  const state = (): LogState => ({ epoch, seq: head, oldestSeq: tail, bytes });
  return {
    channel,
    state,
    head: () => Promise.resolve(state()),
    delivered: () => head,
    append(dataJson) {
      head += 1;
      const entry = new LogEntry(channel, epoch, head, now(), dataJson);
      if (head - tail >= historySize) evictOldest(); // the slot about to be reused
      ring[head % historySize] = entry;
      bytes += entry.size;
      trimTo(maxBytes);
      for (const subscriber of subscribers) {
        try {
          subscriber.receive(entry);
        } catch (err) {
          // One broken subscriber must not stop the fan-out to the others.
          console.error(`[${channel}] subscriber failed`, err);
        }
      }
      return Promise.resolve(entry);
    },
    readAfter(afterSeq, limit, byteLimit = Number.POSITIVE_INFINITY) {
      const from = Math.max(afterSeq + 1, tail);
      const to = Math.min(head, from + limit - 1);
      const out: LogEntry[] = [];
      let taken = 0;
      for (let s = from; s <= to; s++) {
        const entry = ring[s % historySize] as LogEntry;
        taken += entry.size;
        if (taken > byteLimit && out.length > 0) break;
        out.push(entry);
      }
      return Promise.resolve(out);
    },
    trim: (budget) => Promise.resolve(trimTo(budget)),
    subscribe(subscriber) {
      subscribers.add(subscriber);
    },
    unsubscribe(subscriber) {
      subscribers.delete(subscriber);
    },
  };
}
