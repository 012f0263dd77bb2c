import { describe, expect, it } from "vitest";
import { createKeyedRateLimiter, createTokenBucket } from "./rate-limit.ts";

describe("createTokenBucket", () => {
  it("allows a burst, then `rate` per second", () => {
    const bucket = createTokenBucket(10, 3);
    // A whole number of ms: with a fractional t0, (t0 + 100) - (t0 + 50) can come out a hair under
    // 50, leaving 0.999… tokens, and the take at t0 + 100 failed now and then.
    const t0 = Math.ceil(performance.now());
    expect([1, 2, 3, 4].map(() => bucket.take(t0))).toEqual([true, true, true, false]);
    expect(bucket.take(t0 + 50)).toBe(false); // half a token
    expect(bucket.take(t0 + 100)).toBe(true); // one token after 1/rate s
    expect(bucket.take(t0 + 100)).toBe(false);
  });

  it("never stores more than the burst", () => {
    const bucket = createTokenBucket(10, 2);
    const t0 = Math.ceil(performance.now());
    expect(bucket.full(t0 + 10_000)).toBe(true);
    expect([1, 2, 3].map(() => bucket.take(t0 + 10_000))).toEqual([true, true, false]);
    expect(bucket.full(t0 + 10_000)).toBe(false);
    expect(bucket.full(t0 + 10_200)).toBe(true);
  });

  it("rate 0 means unlimited", () => {
    const bucket = createTokenBucket(0, 1);
    expect(Array.from({ length: 10_000 }, () => bucket.take()).every(Boolean)).toBe(true);
    expect(bucket.full()).toBe(true);
  });
});

describe("createKeyedRateLimiter", () => {
  it("keeps one bucket per key and sweeps the full ones", async () => {
    const limiter = createKeyedRateLimiter(1000, 2);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([true, true, false]);
    expect(limiter.take("b")).toBe(true);
    expect(limiter.size).toBe(2);
    await new Promise((r) => setTimeout(r, 10)); // 1000/s refills both buckets of 2 within a few ms
    limiter.sweep();
    expect(limiter.size).toBe(0);
    expect(limiter.take("a")).toBe(true);
  });

  it("rate 0 keeps no state", () => {
    const limiter = createKeyedRateLimiter(0, 1);
    for (let i = 0; i < 100; i++) expect(limiter.take(`k${i}`)).toBe(true);
    expect(limiter.size).toBe(0);
  });
});
