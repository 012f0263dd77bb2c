import { describe, expect, it } from "vitest";
import { createHistogram, type HistogramJSON, histogramFromJSON } from "./hdr-histogram.ts";

function oneToTenThousand() {
  const h = createHistogram();
  for (let v = 1; v <= 10_000; v++) h.record(v);
  return h;
}

describe("createHistogram", () => {
  it("reports 1..10000 ms within 0.1%, with exact count, min, max and mean", () => {
    const h = oneToTenThousand();
    expect(h.count).toBe(10_000);
    expect(h.min).toBe(1);
    expect(h.max).toBe(10_000);
    expect(h.mean).toBe(5000.5);
    for (const [p, exact] of [
      [50, 5000],
      [90, 9000],
      [99, 9900],
      [99.9, 9990],
    ] as const) {
      const v = h.percentile(p);
      // Highest equivalent value of the bucket: never below the true value, at most 0.1% above.
      expect(v).toBeGreaterThanOrEqual(exact);
      expect((v - exact) / exact).toBeLessThan(0.001);
    }
    expect(h.percentile(100)).toBe(10_000);
    expect(h.percentile(0)).toBe(1);
  });

  it("keeps the resolution exactly below 2.048 ms and rounds to it", () => {
    const h = createHistogram();
    for (const v of [0.001, 0.5, 1.234, 2.047, 0.0004]) h.record(v);
    expect(h.percentile(20)).toBe(0.0004); // rank 1 is the min, which is kept exactly
    expect(h.percentile(40)).toBe(0.001);
    expect(h.percentile(60)).toBe(0.5);
    expect(h.percentile(80)).toBe(1.234);
    expect(h.percentile(100)).toBe(2.047);
  });

  it.each([1, 2, 3, 4])("keeps %i significant digits (or ±0.5 µs resolution) up to 1 hour", (digits) => {
    const h = createHistogram({ significantDigits: digits });
    for (let v = 0.001; v < 3_600_000; v *= 1.37) {
      h.reset();
      h.record(v);
      h.record(v * 2);
      const p = h.percentile(50);
      expect(Math.abs(p - v)).toBeLessThanOrEqual(v * 10 ** -digits + 0.0005);
    }
  });

  it("clamps negative values to 0 and counts them", () => {
    const h = createHistogram();
    h.record(-3.5);
    h.record(4);
    expect([h.count, h.negative, h.min, h.max, h.mean]).toEqual([2, 1, 0, 4, 2]);
  });

  it("clamps values above maxValue to it and counts them", () => {
    const h = createHistogram({ maxValue: 1000 });
    h.record(5000);
    h.record(Number.POSITIVE_INFINITY);
    h.record(10);
    expect([h.count, h.overflow, h.max, h.percentile(100)]).toEqual([3, 2, 1000, 1000]);
    const hour = createHistogram();
    hour.record(3_600_000);
    expect([hour.overflow, hour.max]).toEqual([0, 3_600_000]);
  });

  it("counts NaN as invalid without recording it", () => {
    const h = createHistogram();
    h.record(Number.NaN);
    expect([h.count, h.invalid]).toEqual([0, 1]);
    expect(h.percentile(50)).toBeNaN();
    expect(h.min).toBeNaN();
    expect(h.max).toBeNaN();
    expect(h.mean).toBeNaN();
  });

  it("rejects percentiles outside 0–100 and bad options", () => {
    expect(() => createHistogram().percentile(101)).toThrow(RangeError);
    expect(() => createHistogram().percentile(-1)).toThrow(RangeError);
    expect(() => createHistogram({ significantDigits: 6 })).toThrow(RangeError);
    expect(() => createHistogram({ resolution: 0 })).toThrow(RangeError);
    expect(() => createHistogram({ maxValue: 1e20 })).toThrow(RangeError);
  });

  it("merges into the same state as recording both inputs", () => {
    const a = createHistogram();
    const b = createHistogram();
    const both = createHistogram();
    for (let v = 1; v <= 5000; v++) {
      a.record(v);
      both.record(v);
    }
    for (const v of [-1, 7, 123_456, 9_000_000, Number.NaN]) {
      b.record(v);
      both.record(v);
    }
    a.merge(b);
    expect(a.toJSON()).toEqual(both.toJSON());
    expect(a.percentile(99)).toBe(both.percentile(99));
  });

  it("refuses to merge histograms of different layouts", () => {
    expect(() => createHistogram().merge(createHistogram({ significantDigits: 2 }))).toThrow(RangeError);
  });

  it("reset empties everything", () => {
    const h = oneToTenThousand();
    h.record(-1);
    h.reset();
    expect(h.toJSON()).toEqual(createHistogram().toJSON());
  });

  it("survives a JSON round trip (e.g. from a Playwright page to Node)", () => {
    const h = oneToTenThousand();
    h.record(-2);
    const json = JSON.parse(JSON.stringify(h)) as HistogramJSON;
    const back = histogramFromJSON(json);
    expect(back.toJSON()).toEqual(h.toJSON());
    expect(back.percentile(99)).toBe(h.percentile(99));
    expect(histogramFromJSON(createHistogram().toJSON()).count).toBe(0);
  });

  it("serializes sparsely", () => {
    const h = createHistogram();
    h.record(1);
    h.record(1);
    h.record(2.5);
    expect(h.toJSON()).toEqual({
      version: 1,
      resolution: 0.001,
      significantDigits: 3,
      maxValue: 3_600_000,
      count: 3,
      sum: 4.5,
      min: 1,
      max: 2.5,
      negative: 0,
      overflow: 0,
      invalid: 0,
      // 2500 units sit in the second bucket, 2 units wide: index 1024 + 2500 / 2.
      buckets: [1000, 2, 2274, 1],
    });
  });

  it("rejects malformed JSON", () => {
    const good = oneToTenThousand().toJSON();
    const bad: unknown[] = [
      null,
      { ...good, version: 2 },
      { ...good, count: good.count + 1 },
      { ...good, buckets: [...good.buckets, 5] },
      { ...good, buckets: [1e9, good.count] },
      { ...good, min: null },
      { ...good, max: 1e9 },
    ];
    for (const json of bad) expect(() => histogramFromJSON(json as HistogramJSON)).toThrow(TypeError);
  });
});
