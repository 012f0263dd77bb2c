import type { Histogram } from "./hdr-histogram.ts";

/** What a panel, a report row or a CSV line shows of a latency histogram; ms, null when empty. */
export interface LatencySummary {
  readonly count: number;
  readonly min: number | null;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  /** Values below 0 (clock skew) that were recorded as 0. */
  readonly negative: number;
  /** Values above the histogram's maxValue that were recorded as maxValue. */
  readonly overflow: number;
  /** NaN values that were not recorded at all. */
  readonly invalid: number;
}

/** Summarizes a histogram: count, min, mean, p50, p90, p99, max and its clamp counters. */
export function summarize(h: Histogram): LatencySummary {
  const empty = h.count === 0;
  return {
    count: h.count,
    min: empty ? null : h.min,
    mean: empty ? null : h.mean,
    p50: empty ? null : h.percentile(50),
    p90: empty ? null : h.percentile(90),
    p99: empty ? null : h.percentile(99),
    max: empty ? null : h.max,
    negative: h.negative,
    overflow: h.overflow,
    invalid: h.invalid,
  };
}
