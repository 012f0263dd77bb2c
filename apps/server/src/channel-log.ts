import { randomBytes } from "node:crypto";
import { LogEntry } from "./log-entry.ts";

/** Head and retention of a log at one instant. */
export interface LogState {
  readonly epoch: string;
  /** Last assigned seq; 0 before the first message. */
  readonly seq: number;
  /** Oldest retained seq; `seq + 1` when nothing is retained. */
  readonly oldestSeq: number;
}

/** Receives a log's new entries: an object, so that a subscription costs no closure. */
export interface LogSubscriber {
  receive(entry: LogEntry): void;
}

/**
 * One channel's ordered log. The in-memory ring buffer is the embedded
 * default; the interface is async where storage might be remote (Redis
 * Streams), so transports never assume a synchronous store.
 */
export interface ChannelLog {
  readonly channel: string;
  /** Current head and retention (kept current by the implementation). */
  state(): LogState;
  /** Sequences `dataJson` (already-serialized JSON) and notifies subscribers before resolving. */
  append(dataJson: string): Promise<LogEntry>;
  /** Retained entries with seq > `afterSeq`, oldest first, at most `limit`. */
  readAfter(afterSeq: number, limit: number): Promise<LogEntry[]>;
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
  epoch?: string;
  now?: () => number;
}

/** The in-memory ring-buffer log: O(1) append, O(k) read of the last k entries. */
export function createMemoryChannelLog(opts: MemoryChannelLogOptions): ChannelLog {
  const { channel, historySize } = opts;
  const epoch = opts.epoch ?? newEpoch();
  const now = opts.now ?? wallClock;
  const ring: (LogEntry | undefined)[] = new Array(historySize);
  const subscribers = new Set<LogSubscriber>();
  let head = 0;

  const oldest = () => Math.max(1, head - historySize + 1);

  return {
    channel,
    state: () => ({ epoch, seq: head, oldestSeq: head === 0 ? 1 : oldest() }),
    append(dataJson) {
      head += 1;
      const entry = new LogEntry(channel, epoch, head, now(), dataJson);
      ring[head % historySize] = entry;
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
    readAfter(afterSeq, limit) {
      const from = Math.max(afterSeq + 1, oldest());
      const to = Math.min(head, from + limit - 1);
      const out: LogEntry[] = [];
      for (let s = from; s <= to; s++) out.push(ring[s % historySize] as LogEntry);
      return Promise.resolve(out);
    },
    subscribe(subscriber) {
      subscribers.add(subscriber);
    },
    unsubscribe(subscriber) {
      subscribers.delete(subscriber);
    },
  };
}
