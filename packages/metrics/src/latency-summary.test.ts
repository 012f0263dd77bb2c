import { describe, expect, it } from "vitest";
import { createHistogram } from "./hdr-histogram.ts";
import { summarize } from "./latency-summary.ts";

describe("summarize", () => {
  it("gives exact figures for values held at full resolution", () => {
    const h = createHistogram();
    for (const v of [0.5, 1, 1.5, 2, -1]) h.record(v);
    expect(summarize(h)).toEqual({
      count: 5,
      min: 0,
      mean: 1,
      p50: 1, // rank 3 of 0, 0.5, 1, 1.5, 2
      p90: 2,
      p99: 2,
      max: 2,
      negative: 1,
      overflow: 0,
      invalid: 0,
    });
  });

  it("uses null, not 0, for an empty histogram", () => {
    const h = createHistogram();
    h.record(Number.NaN);
    expect(summarize(h)).toEqual({
      count: 0,
      min: null,
      mean: null,
      p50: null,
      p90: null,
      p99: null,
      max: null,
      negative: 0,
      overflow: 0,
      invalid: 1,
    });
  });
});
