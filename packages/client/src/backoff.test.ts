import { describe, expect, it } from "vitest";
import { Backoff, backoffCeiling, backoffDelay } from "./backoff.ts";

const options = { initialMs: 100, maxMs: 1000, factor: 2 };

describe("backoff", () => {
  it("doubles the ceiling per attempt up to the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffCeiling(n, options))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });

  it("full jitter: random 0 gives 0, random just below 1 gives just below the ceiling", () => {
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...options, random: () => 0.999999 })).toBe(799);
    expect(backoffDelay(9, { ...options, random: () => 0.5 })).toBe(500);
  });

  it("stays within [0, min(cap, initial·2^n)) for every attempt", () => {
    let i = 0;
    const randoms = [0, 0.25, 0.5, 0.75, 0.9999];
    const backoff = new Backoff({ ...options, random: () => randoms[i++ % randoms.length] as number });
    const delays: number[] = [];
    for (let n = 0; n < 20; n++) {
      const attempt = backoff.attempt;
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(backoffCeiling(attempt, options));
      delays.push(delay);
    }
    expect(delays.slice(0, 6)).toEqual([0, 50, 200, 600, 999, 0]);
    expect(Math.max(...delays)).toBe(999);
    expect(backoff.attempt).toBe(20);
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    i = 2; // next random 0.5, ceiling back to 100
    expect(backoff.next()).toBe(50);
  });
});
