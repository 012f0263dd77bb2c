/** A token bucket: `rate` tokens per second, at most `burst` stored. */
export interface TokenBucket {
  /** Takes one token; false when the bucket is empty. */
  take(now?: number): boolean;
  /** True when the bucket has refilled to its burst (safe to forget). */
  full(now?: number): boolean;
}

/** Creates a full bucket. `rate` 0 means unlimited. */
export function createTokenBucket(rate: number, burst: number): TokenBucket {
  if (rate <= 0) return { take: () => true, full: () => true };
  let tokens = burst;
  let last = performance.now();
  const refill = (now: number) => {
    tokens = Math.min(burst, tokens + ((now - last) * rate) / 1000);
    last = now;
  };
  return {
    take(now = performance.now()) {
      refill(now);
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    full(now = performance.now()) {
      refill(now);
      return tokens >= burst;
    },
  };
}

/** One bucket per key (client IP); buckets that have refilled are dropped by `sweep()`. */
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
