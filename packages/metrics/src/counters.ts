import type { ClockOffset } from "./clock-offset.ts";
import { createHistogram, type Histogram, type HistogramOptions } from "./hdr-histogram.ts";
import { summarize } from "./latency-summary.ts";
import { type ByteSource, derivedFigures, type MetricsSnapshot } from "./snapshot.ts";

/** Options for {@link createTransportMetrics}. */
export interface TransportMetricsOptions {
  /** Name shown in snapshots and CSV rows, e.g. `ws`, `sse`, `longPoll`, `poll`. */
  readonly transport: string;
  /** Wall clock in ms since the Unix epoch (default `performance.timeOrigin + performance.now()`). */
  readonly now?: () => number;
  readonly histogram?: HistogramOptions;
}

/** Options for {@link TransportMetrics.snapshot}. */
export interface SnapshotOptions {
  /** Include the full latency histogram as JSON (default false). */
  readonly histogram?: boolean;
}

/** Direction of wire bytes, seen from the client. */
export type ByteDirection = "in" | "out";

/**
 * One transport's mutable recorder. Every `record*` is a counter increment; none counts an HTTP
 * request on its own: a transport calls {@link TransportMetrics.recordRequest} for each one it makes.
 */
export interface TransportMetrics {
  readonly transport: string;
  /** The delivery-latency histogram behind `snapshot().latency`. */
  readonly latency: Histogram;
  /** One envelope delivered; `latencyMs` (offset already applied) goes into the histogram when given. */
  recordMessage(latencyMs?: number): void;
  /** HTTP requests made (default 1): polls, publishes, reconnects, the WebSocket handshake. */
  recordRequest(count?: number): void;
  /** Wire bytes received (`in`) or sent (`out`), headers and framing included. */
  addBytes(direction: ByteDirection, bytes: number, source: ByteSource): void;
  /** A poll or long-poll answer with no message in it. */
  recordEmpty(): void;
  /** A forward jump in seq that skipped `missed` messages (≥ 1). */
  recordGap(missed: number): void;
  recordDuplicate(): void;
  recordReorder(): void;
  /** A reset signalled by the server (epoch change or expired cursor). */
  recordReset(): void;
  recordReconnect(): void;
  recordPublish(): void;
  recordError(): void;
  /** Sets the clock offset shown next to the latency figures. */
  setClockOffset(clock: ClockOffset | null): void;
  snapshot(options?: SnapshotOptions): MetricsSnapshot;
  /** Zeroes everything except the clock offset and restarts `startedAt`. */
  reset(): void;
}

const defaultNow = (): number => performance.timeOrigin + performance.now();

/** Creates a recorder for one transport, started now. */
export function createTransportMetrics(options: TransportMetricsOptions): TransportMetrics {
  const { transport, now = defaultNow } = options;
  const latency = createHistogram(options.histogram);
  let clock: ClockOffset | null = null;
  let startedAt = now();
  let messages = 0;
  let httpRequests = 0;
  let measuredIn = 0;
  let computedIn = 0;
  let measuredOut = 0;
  let computedOut = 0;
  let emptyResponses = 0;
  let gaps = 0;
  let missed = 0;
  let duplicates = 0;
  let reorders = 0;
  let resets = 0;
  let reconnects = 0;
  let publishes = 0;
  let errors = 0;

  return {
    transport,
    latency,
    recordMessage(latencyMs) {
      messages++;
      if (latencyMs !== undefined) latency.record(latencyMs);
    },
    recordRequest(count = 1) {
      httpRequests += count;
    },
    addBytes(direction, bytes, source) {
      if (!(bytes >= 0)) throw new RangeError(`bytes must be ≥ 0, got ${bytes}`);
      if (direction === "in") {
        if (source === "measured") measuredIn += bytes;
        else computedIn += bytes;
      } else if (source === "measured") measuredOut += bytes;
      else computedOut += bytes;
    },
    recordEmpty() {
      emptyResponses++;
    },
    recordGap(skipped) {
      gaps++;
      missed += skipped;
    },
    recordDuplicate() {
      duplicates++;
    },
    recordReorder() {
      reorders++;
    },
    recordReset() {
      resets++;
    },
    recordReconnect() {
      reconnects++;
    },
    recordPublish() {
      publishes++;
    },
    recordError() {
      errors++;
    },
    setClockOffset(next) {
      clock = next;
    },
    snapshot(snapshotOptions = {}) {
      const snap: MetricsSnapshot = {
        version: 1,
        transport,
        startedAt,
        elapsedMs: now() - startedAt,
        messages,
        latency: summarize(latency),
        clock,
        httpRequests,
        ...derivedFigures({ messages, httpRequests, measuredIn, computedIn, measuredOut, computedOut }),
        emptyResponses,
        gaps,
        missed,
        duplicates,
        reorders,
        resets,
        reconnects,
        publishes,
        errors,
      };
      return snapshotOptions.histogram === true ? { ...snap, histogram: latency.toJSON() } : snap;
    },
    reset() {
      latency.reset();
      startedAt = now();
      messages = httpRequests = measuredIn = computedIn = measuredOut = computedOut = 0;
      emptyResponses = gaps = missed = duplicates = reorders = resets = reconnects = publishes = errors = 0;
    },
  };
}
