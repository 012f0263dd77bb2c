/** The series' defaults, which the page's chart uses: what the chart says about itself comes from here. */
export const LATENCY_SERIES_DEFAULTS = { bucketMs: 250, buckets: 240 } as const;

/** Options for {@link LatencySeries}. */
export interface LatencySeriesOptions {
  /** Width of one time bucket in ms (default 250). */
  readonly bucketMs?: number;
  /** Buckets kept (default 240: one minute at 250 ms). */
  readonly buckets?: number;
}

/** uPlot's aligned data: x (seconds since 1970) then one y array per series, null where a bucket is empty. */
export type AlignedSeries = [number[], ...(number | null)[][]];

interface Bucket {
  start: number;
  sums: Float64Array;
  counts: Uint32Array;
}

/**
 * Mean delivery latency per time bucket for several series (one per
 * transport), bounded to the last `buckets` buckets. Recording is O(1) and
 * allocation-free within a bucket, so it keeps up at thousands of messages a
 * second; the chart reads it once per frame.
 */
export class LatencySeries {
  readonly bucketMs: number;
  readonly capacity: number;
  readonly #series: number;
  #buckets: Bucket[] = [];

  constructor(series: number, options: LatencySeriesOptions = {}) {
    this.bucketMs = options.bucketMs ?? LATENCY_SERIES_DEFAULTS.bucketMs;
    this.capacity = options.buckets ?? LATENCY_SERIES_DEFAULTS.buckets;
    this.#series = series;
  }

  /** Records one latency sample (ms) for series `index`, received at wall-clock `time` (ms). */
  record(index: number, time: number, latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || index < 0 || index >= this.#series) return;
    const start = Math.floor(time / this.bucketMs) * this.bucketMs;
    let bucket = this.#buckets[this.#buckets.length - 1];
    if (bucket === undefined || start > bucket.start) {
      bucket = {
        start,
        sums: new Float64Array(this.#series),
        counts: new Uint32Array(this.#series),
      };
      this.#buckets.push(bucket);
      if (this.#buckets.length > this.capacity) this.#buckets.splice(0, this.#buckets.length - this.capacity);
    } else if (start < bucket.start) {
      // A late sample (clock step back): file it under the bucket it belongs to, if still kept.
      const older = this.#buckets.find((b) => b.start === start);
      if (older === undefined) return;
      bucket = older;
    }
    bucket.sums[index] = (bucket.sums[index] ?? 0) + latencyMs;
    bucket.counts[index] = (bucket.counts[index] ?? 0) + 1;
  }

  /** Number of buckets held. */
  get length(): number {
    return this.#buckets.length;
  }

  /** Mean per bucket per series, aligned for uPlot (x in seconds at the bucket's middle). */
  toAligned(): AlignedSeries {
    const xs = this.#buckets.map((b) => (b.start + this.bucketMs / 2) / 1000);
    const ys: (number | null)[][] = [];
    for (let s = 0; s < this.#series; s++) {
      ys.push(
        this.#buckets.map((b) => {
          const count = b.counts[s] ?? 0;
          return count === 0 ? null : (b.sums[s] ?? 0) / count;
        }),
      );
    }
    return [xs, ...ys];
  }

  /** Forgets every bucket. */
  clear(): void {
    this.#buckets = [];
  }
}

/**
 * Marks runs of at most `maxRun` empty buckets between two values as `undefined`, which uPlot
 * draws through, and leaves longer runs `null`, which it draws as a gap. Interval polling fills
 * one bucket per poll and should read as a line; a transport that was paused or switched away
 * from should not.
 */
export function bridgeGaps(ys: readonly (number | null)[], maxRun: number): (number | null | undefined)[] {
  const out: (number | null | undefined)[] = [...ys];
  let i = 0;
  while (i < out.length) {
    if (out[i] !== null) {
      i++;
      continue;
    }
    let end = i;
    while (end < out.length && out[end] === null) end++;
    const bounded = i > 0 && end < out.length;
    if (bounded && end - i <= maxRun) for (let k = i; k < end; k++) out[k] = undefined;
    i = end;
  }
  return out;
}

/** The newest value of each series (null when none in its last `lookback` buckets). */
export function latestValues(data: AlignedSeries, lookback = 8): (number | null)[] {
  const [, ...ys] = data;
  return ys.map((y) => {
    for (let k = y.length - 1; k >= Math.max(0, y.length - lookback); k--) {
      const v = y[k];
      if (v !== null && v !== undefined) return v;
    }
    return null;
  });
}
