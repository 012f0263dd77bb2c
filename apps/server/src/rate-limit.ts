/** A token bucket: `rate` tokens per second, at most `burst` stored. */
export interface TokenBucket {
  /** Takes one token; false when the bucket is empty. */
  take(now?: number): boolean;
  /** True when the bucket has refilled to its burst (safe to forget). */
  full(now?: number): boolean;
}

/**
 * A bucket as a plain object with prototype methods: one per client address, so it
 * must cost a few fields, not a set of closures.
 */
class Bucket implements TokenBucket {
  #tokens: number;
  #last = performance.now();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  #refill(now: number) {
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) * this.rate) / 1000);
    this.#last = now;
  }

  take(now = performance.now()): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  full(now = performance.now()): boolean {
    this.#refill(now);
    return this.#tokens >= this.burst;
  }
}

const UNLIMITED: TokenBucket = { take: () => true, full: () => true };

/** Creates a full bucket. `rate` 0 means unlimited. */
export function createTokenBucket(rate: number, burst: number): TokenBucket {
  return rate <= 0 ? UNLIMITED : new Bucket(rate, burst);
}

/** One bucket per key (client address); buckets that have refilled are dropped by `sweep()`. */
export function createKeyedRateLimiter(rate: number, burst: number) {
  const buckets = new Map<string, TokenBucket>();
  return {
    take(key: string): boolean {
      if (rate <= 0) return true;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = createTokenBucket(rate, burst);
        buckets.set(key, bucket);
      }
      return bucket.take();
    },
    sweep(): void {
      for (const [key, bucket] of buckets) if (bucket.full()) buckets.delete(key);
    },
    get size() {
      return buckets.size;
    },
  };
}
