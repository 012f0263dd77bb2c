import { describe, expect, it } from "vitest";
import { bridgeGaps, LatencySeries } from "./latency-series.ts";

describe("LatencySeries", () => {
  it("averages per bucket and series, with null where a series has no sample", () => {
    const series = new LatencySeries(2, { bucketMs: 100 });
    series.record(0, 1000, 2);
    series.record(0, 1050, 4);
    series.record(1, 1099, 10);
    series.record(0, 1100, 8);
    expect(series.toAligned()).toEqual([
      [1.05, 1.15],
      [3, 8],
      [10, null],
    ]);
  });

  it("keeps only the newest buckets", () => {
    const series = new LatencySeries(1, { bucketMs: 10, buckets: 3 });
    for (let t = 0; t < 100; t += 10) series.record(0, t, t);
    expect(series.length).toBe(3);
    expect(series.toAligned()[1]).toEqual([70, 80, 90]);
  });

  it("files a late sample into the bucket it belongs to, and drops it when that one is gone", () => {
    const series = new LatencySeries(1, { bucketMs: 10, buckets: 2 });
    series.record(0, 0, 1);
    series.record(0, 10, 1);
    series.record(0, 5, 3);
    expect(series.toAligned()[1]).toEqual([2, 1]);
    series.record(0, 20, 1);
    series.record(0, 5, 100);
    expect(series.toAligned()[1]).toEqual([1, 1]);
  });

  it("ignores non-finite samples and unknown series", () => {
    const series = new LatencySeries(1);
    series.record(0, 0, Number.NaN);
    series.record(3, 0, 1);
    expect(series.length).toBe(0);
  });

  it("stays bounded at 4000 samples a second for two minutes, keeping the second one", () => {
    const series = new LatencySeries(4);
    // 4000 samples a second (one every 0.25 ms) from t = 0 to t = 120 s: 480 buckets of 250 ms go by.
    for (let i = 0; i < 480_000; i++) series.record(i % 4, i / 4, 5);
    expect(series.length).toBe(240);
    const [xs, ...ys] = series.toAligned();
    expect(xs[0]).toBe(60.125);
    expect(xs[xs.length - 1]).toBe(119.875);
    for (const y of ys) expect(y.every((v) => v === 5)).toBe(true);
  });
});

describe("bridgeGaps", () => {
  it("bridges short runs between values and keeps long or open-ended ones as gaps", () => {
    expect(bridgeGaps([null, 1, null, null, 2, null, null, null, 3, null], 2)).toEqual([
      null,
      1,
      undefined,
      undefined,
      2,
      null,
      null,
      null,
      3,
      null,
    ]);
  });

  it("leaves a series without gaps as it is", () => {
    expect(bridgeGaps([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });
});
