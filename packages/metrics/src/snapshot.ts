import type { ClockOffset } from "./clock-offset.ts";
import type { HistogramJSON } from "./hdr-histogram.ts";
import type { LatencySummary } from "./latency-summary.ts";

/** Where a byte count came from: a platform counter, or arithmetic on the protocol (see wire-size.ts). */
export type ByteSource = "measured" | "computed";

/** Wire bytes in one direction, with how much of it was measured and how much computed. */
export interface ByteCount {
  readonly bytes: number;
  readonly measured: number;
  readonly computed: number;
  /** `mixed` when both kinds were added, null when nothing was. */
  readonly source: ByteSource | "mixed" | null;
}

/** One transport's figures at one moment: plain JSON, shared by the web app, e2e and loadgen. */
export interface MetricsSnapshot {
  readonly version: 1;
  readonly transport: string;
  /** Wall clock (ms since the Unix epoch) when recording started or was last reset. */
  readonly startedAt: number;
  readonly elapsedMs: number;
  /** Envelopes delivered to the application (duplicates excluded). */
  readonly messages: number;
  /** Delivery latency in ms, clock offset already applied. */
  readonly latency: LatencySummary;
  /** The offset applied to latency, null while none is known. */
  readonly clock: ClockOffset | null;
  /** Every HTTP request made: publishes and reconnects included, a WebSocket handshake is 1. */
  readonly httpRequests: number;
  readonly bytesIn: ByteCount;
  readonly bytesOut: ByteCount;
  /** httpRequests / messages, null when no message arrived. */
  readonly requestsPerMessage: number | null;
  /** (bytesIn + bytesOut) / messages, null when no message arrived. */
  readonly bytesPerMessage: number | null;
  /** Poll and long-poll answers received (0 on WebSocket and SSE). */
  readonly responses: number;
  /** Poll and long-poll answers that carried no message (≤ `responses`). */
  readonly emptyResponses: number;
  /** Times seq jumped forward; `missed` is the number of seqs skipped over in total. */
  readonly gaps: number;
  readonly missed: number;
  readonly duplicates: number;
  readonly reorders: number;
  /** Resets: the server could not honour the cursor (epoch change, expired), or refused it (400). */
  readonly resets: number;
  /**
   * Seqs never delivered because a reset skipped them (docs/metrics.md says how each reset counts;
   * messages of an epoch that ended are unknowable and not in it).
   */
  readonly lost: number;
  readonly reconnects: number;
  readonly publishes: number;
  readonly errors: number;
  /** The full latency histogram, present when asked for, so that snapshots can be merged elsewhere. */
  readonly histogram?: HistogramJSON;
}

/** The snapshot's plain counters: a recorder increments them, merging snapshots adds them up. */
export const COUNTER_KEYS = [
  "responses",
  "emptyResponses",
  "gaps",
  "missed",
  "duplicates",
  "reorders",
  "resets",
  "lost",
  "reconnects",
  "publishes",
  "errors",
] as const;

/** The fields of {@link COUNTER_KEYS}, mutable while recording. */
export type Counters = { -readonly [K in (typeof COUNTER_KEYS)[number]]: number };

/** Every counter at 0. */
export function zeroCounters(): Counters {
  const counters = {} as Counters;
  for (const key of COUNTER_KEYS) counters[key] = 0;
  return counters;
}

/** Builds a {@link ByteCount} from its measured and computed parts. */
export function byteCount(measured: number, computed: number): ByteCount {
  const source = measured > 0 ? (computed > 0 ? "mixed" : "measured") : computed > 0 ? "computed" : null;
  return { bytes: measured + computed, measured, computed, source };
}

/** The raw sums a snapshot's byte counts and per-message figures are derived from. */
export interface SnapshotTotals {
  messages: number;
  httpRequests: number;
  measuredIn: number;
  computedIn: number;
  measuredOut: number;
  computedOut: number;
}

/** Every sum at 0. */
export function zeroTotals(): SnapshotTotals {
  return { messages: 0, httpRequests: 0, measuredIn: 0, computedIn: 0, measuredOut: 0, computedOut: 0 };
}

/** The figures derived from the sums, computed alike for a live snapshot and a merged one. */
export function derivedFigures(
  t: Readonly<SnapshotTotals>,
): Pick<MetricsSnapshot, "bytesIn" | "bytesOut" | "requestsPerMessage" | "bytesPerMessage"> {
  const bytesIn = byteCount(t.measuredIn, t.computedIn);
  const bytesOut = byteCount(t.measuredOut, t.computedOut);
  return {
    bytesIn,
    bytesOut,
    requestsPerMessage: perMessage(t.httpRequests, t.messages),
    bytesPerMessage: perMessage(bytesIn.bytes + bytesOut.bytes, t.messages),
  };
}

/** `value / messages`, or null when there were no messages to divide by. */
export function perMessage(value: number, messages: number): number | null {
  return messages === 0 ? null : value / messages;
}
