import type { ClockOffset } from "./clock-offset.ts";
import {
  createHistogram,
  emptyHistogramJSON,
  type Histogram,
  type HistogramOptions,
} from "./hdr-histogram.ts";
import { type LatencySummary, summarize } from "./latency-summary.ts";
import {
  type ByteSource,
  derivedFigures,
  type MetricsSnapshot,
  zeroCounters,
  zeroTotals,
} from "./snapshot.ts";

/** Options for {@link createMetricsRecorder}. */
export interface MetricsRecorderOptions {
  /** Name shown in snapshots and CSV rows, e.g. `ws`, `sse`, `longPoll`, `poll`. */
  readonly transport: string;
  /** Wall clock in ms since the Unix epoch (default `performance.timeOrigin + performance.now()`). */
  readonly now?: () => number;
  readonly histogram?: HistogramOptions;
}

/** Options for {@link MetricsRecorder.snapshot}. */
export interface SnapshotOptions {
  /** Include the full latency histogram as JSON (default false). */
  readonly histogram?: boolean;
}

/** Direction of wire bytes, seen from the client. */
export type ByteDirection = "in" | "out";

/**
 * The mutable recorder behind one transport's {@link MetricsSnapshot}. Every `record*` is a counter
 * increment; none counts an HTTP request on its own: a transport calls
 * {@link MetricsRecorder.recordRequest} for each one it makes.
 */
export interface MetricsRecorder {
  readonly transport: string;
  /** The delivery-latency histogram behind `snapshot().latency`. */
  readonly latency: Histogram;
  /** One envelope delivered; `latencyMs` (offset already applied) goes into the histogram when given. */
  recordMessage(latencyMs?: number): void;
  /** HTTP requests made (default 1): polls, publishes, reconnects, the WebSocket handshake. */
  recordRequest(count?: number): void;
  /** Wire bytes received (`in`) or sent (`out`), headers and framing included. */
  addBytes(direction: ByteDirection, bytes: number, source: ByteSource): void;
  /**
   * A platform counter reported `measured` bytes for what was counted as `computed` bytes before
   * (a response body sized from its text, then by its Resource Timing entry): the computed ones
   * are taken back and the measured ones counted instead, so the figure is whole at every moment.
   * After a `reset()` in between (fewer computed bytes than `computed`) it does nothing.
   */
  remeasure(direction: ByteDirection, computed: number, measured: number): void;
  /** A poll or long-poll answer carrying `messages` messages (0: an empty answer). */
  recordAnswer(messages: number): void;
  /** A forward jump in seq that skipped `missed` messages (≥ 1). */
  recordGap(missed: number): void;
  recordDuplicate(): void;
  recordReorder(): void;
  /** A reset (the server's epoch or expired, or a refused cursor). */
  recordReset(): void;
  /** Seqs a reset skipped: never delivered to this client. */
  recordLost(seqs: number): void;
  recordReconnect(): void;
  recordPublish(): void;
  recordError(): void;
  /** Sets the clock offset shown next to the latency figures. */
  setClockOffset(clock: ClockOffset | null): void;
  snapshot(options?: SnapshotOptions): MetricsSnapshot;
  /** Zeroes everything except the clock offset and restarts `startedAt`. */
  reset(): void;
}

/** @deprecated The old name of {@link MetricsRecorder}, kept until apps/web has moved over. */
export type TransportMetrics = MetricsRecorder;

const defaultNow = (): number => performance.timeOrigin + performance.now();

/** Creates a recorder for one transport, started now. */
export function createMetricsRecorder(options: MetricsRecorderOptions): MetricsRecorder {
  const { transport, now = defaultNow } = options;
  const latency = createHistogram(options.histogram);
  let clock: ClockOffset | null = null;
  let startedAt = now();
  let totals = zeroTotals();
  let counts = zeroCounters();

  return {
    transport,
    latency,
    recordMessage(latencyMs) {
      totals.messages++;
      if (latencyMs !== undefined) latency.record(latencyMs);
    },
    recordRequest(count = 1) {
      totals.httpRequests += count;
    },
    addBytes(direction, bytes, source) {
      if (!(bytes >= 0)) throw new RangeError(`bytes must be ≥ 0, got ${bytes}`);
      if (direction === "in") {
        if (source === "measured") totals.measuredIn += bytes;
        else totals.computedIn += bytes;
      } else if (source === "measured") totals.measuredOut += bytes;
      else totals.computedOut += bytes;
    },
    remeasure(direction, computed, measured) {
      if (!(measured >= 0 && computed >= 0))
        throw new RangeError(`bytes must be ≥ 0, got ${computed}, ${measured}`);
      const inbound = direction === "in";
      // Fewer computed bytes than that: a reset came in between, and both sizes belong to before it.
      if (computed > (inbound ? totals.computedIn : totals.computedOut)) return;
      if (inbound) {
        totals.computedIn -= computed;
        totals.measuredIn += measured;
      } else {
        totals.computedOut -= computed;
        totals.measuredOut += measured;
      }
    },
    recordAnswer(carried) {
      counts.responses++;
      if (carried === 0) counts.emptyResponses++;
    },
    recordGap(skipped) {
      counts.gaps++;
      counts.missed += skipped;
    },
    recordDuplicate() {
      counts.duplicates++;
    },
    recordReorder() {
      counts.reorders++;
    },
    recordReset() {
      counts.resets++;
    },
    recordLost(seqs) {
      if (!(seqs >= 0)) throw new RangeError(`lost seqs must be ≥ 0, got ${seqs}`);
      counts.lost += seqs;
    },
    recordReconnect() {
      counts.reconnects++;
    },
    recordPublish() {
      counts.publishes++;
    },
    recordError() {
      counts.errors++;
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
        messages: totals.messages,
        latency: summarize(latency),
        clock,
        httpRequests: totals.httpRequests,
        ...derivedFigures(totals),
        ...counts,
      };
      return snapshotOptions.histogram === true ? { ...snap, histogram: latency.toJSON() } : snap;
    },
    reset() {
      latency.reset();
      startedAt = now();
      totals = zeroTotals();
      counts = zeroCounters();
    },
  };
}

/** @deprecated The old name of {@link createMetricsRecorder}, kept until apps/web has moved over. */
export const createTransportMetrics = createMetricsRecorder;

const NO_LATENCY: LatencySummary = {
  count: 0,
  min: null,
  mean: null,
  p50: null,
  p90: null,
  p99: null,
  max: null,
  negative: 0,
  overflow: 0,
  invalid: 0,
};

/**
 * The snapshot of a recorder that has recorded nothing yet, started at `at`, built without one
 * (a recorder allocates its histogram). With `histogram`, the empty histogram of that layout.
 */
export function emptySnapshot(transport: string, at: number, histogram?: HistogramOptions): MetricsSnapshot {
  const snap: MetricsSnapshot = {
    version: 1,
    transport,
    startedAt: at,
    elapsedMs: 0,
    messages: 0,
    latency: NO_LATENCY,
    clock: null,
    httpRequests: 0,
    ...derivedFigures(zeroTotals()),
    ...zeroCounters(),
  };
  return histogram === undefined ? snap : { ...snap, histogram: emptyHistogramJSON(histogram) };
}
