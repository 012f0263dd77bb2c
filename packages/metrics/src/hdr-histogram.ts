/** Options for {@link createHistogram}; values are milliseconds. */
export interface HistogramOptions {
  /** Smallest distinguishable value in ms; values are stored as integer multiples of it (default 0.001). */
  readonly resolution?: number;
  /** Decimal digits of relative precision kept at every magnitude, 1–5 (default 3). */
  readonly significantDigits?: number;
  /** Largest trackable value in ms; larger values are clamped to it and counted (default 1 hour). */
  readonly maxValue?: number;
}

/** Serialized histogram: plain JSON that can cross a Worker, a Playwright page or a file. */
export interface HistogramJSON {
  readonly version: 1;
  readonly resolution: number;
  readonly significantDigits: number;
  readonly maxValue: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly negative: number;
  readonly overflow: number;
  readonly invalid: number;
  /** Non-empty buckets as flat `[index, count, index, count, …]` pairs, ascending by index. */
  readonly buckets: readonly number[];
}

/** A log-linear (HDR) latency histogram in ms with bounded relative error. */
export interface Histogram {
  /** Records one value; negative values count as 0 and in `negative`, values over `maxValue` in `overflow`, NaN only in `invalid`. */
  record(value: number): void;
  /** Values recorded, clamped ones included, NaN excluded. */
  readonly count: number;
  /** Exact smallest recorded value after clamping, NaN when empty. */
  readonly min: number;
  /** Exact largest recorded value after clamping, NaN when empty. */
  readonly max: number;
  /** Exact mean of the recorded values after clamping, NaN when empty. */
  readonly mean: number;
  /** Values below 0 (clock skew), recorded as 0. */
  readonly negative: number;
  /** Values above `maxValue`, recorded as `maxValue`. */
  readonly overflow: number;
  /** NaN values, not recorded. */
  readonly invalid: number;
  /** Value at percentile `p` (0–100, nearest rank) within the significant digits or ±resolution/2; NaN when empty. */
  percentile(p: number): number;
  reset(): void;
  /**
   * Adds every value of `other` into this histogram: another histogram, or its
   * {@link Histogram.toJSON} output (checked like {@link histogramFromJSON} does).
   * Both must share resolution, significantDigits and maxValue (RangeError otherwise).
   */
  merge(other: Histogram | HistogramJSON): void;
  toJSON(): HistogramJSON;
}

const DEFAULTS = { resolution: 0.001, significantDigits: 3, maxValue: 3_600_000 } as const;
const TWO_POW_32 = 4294967296;

/** floor(log2(n)) for an integer 1 ≤ n < 2^53, without 32-bit truncation. */
function floorLog2(n: number): number {
  return n < TWO_POW_32 ? 31 - Math.clz32(n) : 63 - Math.clz32((n / TWO_POW_32) >>> 0);
}

class HdrHistogram implements Histogram {
  readonly resolution: number;
  readonly significantDigits: number;
  readonly maxValue: number;
  private readonly scale: number;
  private readonly subBucketCount: number;
  private readonly subBucketHalfCount: number;
  private readonly subBucketHalfCountMagnitude: number;
  // Float64Array: exact counts up to 2^53, no per-bucket overflow to worry about.
  private readonly counts: Float64Array;
  private total = 0;
  private sum = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxSeen = Number.NEGATIVE_INFINITY;
  negative = 0;
  overflow = 0;
  invalid = 0;

  constructor(options: HistogramOptions) {
    const resolution = options.resolution ?? DEFAULTS.resolution;
    const digits = options.significantDigits ?? DEFAULTS.significantDigits;
    const maxValue = options.maxValue ?? DEFAULTS.maxValue;
    if (!(resolution > 0) || !Number.isFinite(resolution)) throw new RangeError("resolution must be > 0");
    if (!Number.isInteger(digits) || digits < 1 || digits > 5) {
      throw new RangeError("significantDigits must be an integer 1–5");
    }
    const inverse = 1 / resolution;
    // 1 / 0.001 is 1000 within an ulp; snap so that 5 ms records as exactly 5000 units.
    this.scale = Math.abs(inverse - Math.round(inverse)) < 1e-9 * inverse ? Math.round(inverse) : inverse;
    const maxUnits = Math.round(maxValue * this.scale);
    if (!(maxUnits >= 1) || !Number.isSafeInteger(maxUnits)) {
      throw new RangeError("maxValue / resolution must be a safe integer ≥ 1");
    }
    this.resolution = resolution;
    this.significantDigits = digits;
    this.maxValue = maxValue;
    // Same layout as HdrHistogram: 2^k linear sub-buckets per power of two, k chosen for `digits`.
    this.subBucketCount = 2 ** Math.ceil(Math.log2(2 * 10 ** digits));
    this.subBucketHalfCount = this.subBucketCount / 2;
    this.subBucketHalfCountMagnitude = Math.log2(this.subBucketHalfCount);
    this.counts = new Float64Array(this.indexOf(maxUnits) + 1);
  }

  get count(): number {
    return this.total;
  }
  get min(): number {
    return this.total === 0 ? Number.NaN : this.minValue;
  }
  get max(): number {
    return this.total === 0 ? Number.NaN : this.maxSeen;
  }
  get mean(): number {
    return this.total === 0 ? Number.NaN : this.sum / this.total;
  }

  record(value: number): void {
    let v = value;
    if (!(v >= 0)) {
      if (Number.isNaN(v)) {
        this.invalid++;
        return;
      }
      this.negative++;
      v = 0;
    } else if (v > this.maxValue) {
      this.overflow++;
      v = this.maxValue;
    }
    const i = this.indexOf(Math.round(v * this.scale));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.total++;
    this.sum += v;
    if (v < this.minValue) this.minValue = v;
    if (v > this.maxSeen) this.maxSeen = v;
  }

  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError("percentile must be within 0–100");
    if (this.total === 0) return Number.NaN;
    // Nearest rank; the epsilon keeps 99.9 × 10000 / 100 from ceiling to 9991.
    const rank = Math.max(1, Math.ceil((p * this.total) / 100 - 1e-9));
    const first = this.indexOf(Math.round(this.minValue * this.scale));
    const last = this.indexOf(Math.round(this.maxSeen * this.scale));
    let seen = 0;
    for (let i = first; i <= last; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) {
        // Highest value equivalent to the bucket (HdrHistogram's convention), but never outside [min, max].
        const v = this.highestEquivalentUnits(i) / this.scale;
        return Math.min(this.maxSeen, Math.max(this.minValue, v));
      }
    }
    return this.maxSeen;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.minValue = Number.POSITIVE_INFINITY;
    this.maxSeen = Number.NEGATIVE_INFINITY;
    this.negative = 0;
    this.overflow = 0;
    this.invalid = 0;
  }

  merge(other: Histogram | HistogramJSON): void {
    if (isHistogram(other)) {
      this.addJSON(other.toJSON());
      return;
    }
    assertHistogramShape(other);
    this.assertSameLayout(other);
    assertBuckets(other, this.bucketCount);
    this.addJSON(other);
  }

  /** Adds a checked serialized histogram of the same layout (resolution, digits, maxValue). */
  addJSON(json: HistogramJSON): void {
    this.assertSameLayout(json);
    for (let k = 0; k < json.buckets.length; k += 2) {
      const index = json.buckets[k] ?? 0;
      this.counts[index] = (this.counts[index] ?? 0) + (json.buckets[k + 1] ?? 0);
    }
    if (json.min !== null && json.max !== null) {
      this.minValue = Math.min(this.minValue, json.min);
      this.maxSeen = Math.max(this.maxSeen, json.max);
    }
    this.total += json.count;
    this.sum += json.sum;
    this.negative += json.negative;
    this.overflow += json.overflow;
    this.invalid += json.invalid;
  }

  private assertSameLayout(json: HistogramJSON): void {
    if (
      json.resolution !== this.resolution ||
      json.significantDigits !== this.significantDigits ||
      json.maxValue !== this.maxValue
    ) {
      // Re-binning would blur min/max and the clamp counters; every producer here uses the defaults.
      throw new RangeError(
        "cannot merge histograms with different resolution, significantDigits or maxValue",
      );
    }
  }

  toJSON(): HistogramJSON {
    const buckets: number[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      const n = this.counts[i] ?? 0;
      if (n !== 0) buckets.push(i, n);
    }
    const empty = this.total === 0;
    return {
      version: 1,
      resolution: this.resolution,
      significantDigits: this.significantDigits,
      maxValue: this.maxValue,
      count: this.total,
      sum: this.sum,
      min: empty ? null : this.minValue,
      max: empty ? null : this.maxSeen,
      negative: this.negative,
      overflow: this.overflow,
      invalid: this.invalid,
      buckets,
    };
  }

  get bucketCount(): number {
    return this.counts.length;
  }

  /** Bucket 0 holds 0 … subBucketCount−1 one unit apart; bucket b ≥ 1 holds the upper half at 2^b units apart. */
  private indexOf(units: number): number {
    if (units < this.subBucketCount) return units;
    const bucket = floorLog2(units) - this.subBucketHalfCountMagnitude;
    return bucket * this.subBucketHalfCount + Math.floor(units / 2 ** bucket);
  }

  private lowestEquivalentUnits(index: number): number {
    if (index < this.subBucketCount) return index;
    const bucket = Math.floor(index / this.subBucketHalfCount) - 1;
    return (index - bucket * this.subBucketHalfCount) * 2 ** bucket;
  }

  private bucketWidthUnits(index: number): number {
    return index < this.subBucketCount ? 1 : 2 ** (Math.floor(index / this.subBucketHalfCount) - 1);
  }

  private highestEquivalentUnits(index: number): number {
    return this.lowestEquivalentUnits(index) + this.bucketWidthUnits(index) - 1;
  }
}

/** Creates an empty histogram (default: 1 µs resolution, 3 significant digits, up to 1 hour). */
export function createHistogram(options: HistogramOptions = {}): Histogram {
  return new HdrHistogram(options);
}

/**
 * What {@link Histogram.toJSON} gives for an empty histogram of this layout, without allocating its
 * buckets (≈180 KB at the default layout). The layout is not validated: pass what a histogram was made with.
 */
export function emptyHistogramJSON(options: HistogramOptions = {}): HistogramJSON {
  return {
    version: 1,
    resolution: options.resolution ?? DEFAULTS.resolution,
    significantDigits: options.significantDigits ?? DEFAULTS.significantDigits,
    maxValue: options.maxValue ?? DEFAULTS.maxValue,
    count: 0,
    sum: 0,
    min: null,
    max: null,
    negative: 0,
    overflow: 0,
    invalid: 0,
    buckets: [],
  };
}

/** Rebuilds a histogram from {@link Histogram.toJSON} output; throws TypeError on malformed input. */
export function histogramFromJSON(json: HistogramJSON): Histogram {
  assertHistogramShape(json);
  const h = new HdrHistogram(json);
  assertBuckets(json, h.bucketCount);
  h.addJSON(json);
  return h;
}

function isHistogram(value: Histogram | HistogramJSON): value is Histogram {
  return typeof (value as Partial<Histogram>).toJSON === "function";
}

/** Every bucket index fits a histogram of `bucketCount` buckets, every count is positive, and they add up. */
function assertBuckets(json: HistogramJSON, bucketCount: number): void {
  let bucketTotal = 0;
  for (let k = 0; k < json.buckets.length; k += 2) {
    const index = json.buckets[k] ?? -1;
    const n = json.buckets[k + 1] ?? 0;
    if (!Number.isSafeInteger(index) || index < 0 || index >= bucketCount) {
      throw new TypeError(`histogram bucket index out of range: ${index}`);
    }
    if (!Number.isSafeInteger(n) || n <= 0) throw new TypeError(`histogram bucket count invalid: ${n}`);
    bucketTotal += n;
  }
  if (bucketTotal !== json.count) throw new TypeError("histogram buckets do not add up to count");
}

function isCount(n: unknown): boolean {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

function assertHistogramShape(json: HistogramJSON): void {
  // The input usually comes from page.evaluate() or a file, so its type is a claim, not a fact.
  const j: Partial<Record<keyof HistogramJSON, unknown>> =
    typeof json === "object" && json !== null ? json : {};
  const ok =
    j.version === 1 &&
    typeof j.maxValue === "number" &&
    typeof j.sum === "number" &&
    Number.isFinite(j.sum) &&
    [j.count, j.negative, j.overflow, j.invalid].every(isCount) &&
    Array.isArray(j.buckets) &&
    j.buckets.length % 2 === 0 &&
    (j.count === 0
      ? j.min === null && j.max === null
      : typeof j.min === "number" &&
        typeof j.max === "number" &&
        0 <= j.min &&
        j.min <= j.max &&
        j.max <= j.maxValue);
  if (!ok) throw new TypeError("not a HistogramJSON (version 1)");
}
