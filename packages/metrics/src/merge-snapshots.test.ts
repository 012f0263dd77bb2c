import { describe, expect, it } from "vitest";
import type { HistogramJSON } from "./hdr-histogram.ts";
import { mergeSnapshots } from "./merge-snapshots.ts";
import { createMetricsRecorder } from "./metrics-recorder.ts";

function recorder(startedAt: number) {
  let now = startedAt;
  const metrics = createMetricsRecorder({ transport: "sse", now: () => now });
  return { metrics, at: (t: number) => (now = t) };
}

describe("mergeSnapshots", () => {
  it("adds counters, merges latency and recomputes per-message figures", () => {
    const a = recorder(1000);
    a.metrics.recordRequest();
    a.metrics.addBytes("in", 300, "computed");
    a.metrics.recordMessage(10);
    a.metrics.recordMessage(20);
    a.metrics.recordReconnect();
    a.metrics.recordAnswer(0);
    a.metrics.recordAnswer(2);
    a.at(2000);
    const b = recorder(3000);
    b.metrics.recordRequest(3);
    b.metrics.addBytes("in", 100, "measured");
    b.metrics.addBytes("out", 40, "computed");
    b.metrics.recordMessage(30);
    b.metrics.recordMessage(40);
    b.metrics.recordGap(2);
    b.metrics.recordAnswer(0);
    b.metrics.recordReset();
    b.metrics.recordLost(9);
    b.at(4000);

    const merged = mergeSnapshots(
      [a.metrics.snapshot({ histogram: true }), b.metrics.snapshot({ histogram: true })],
      5000,
    );
    expect(merged.messages).toBe(4);
    expect(merged.httpRequests).toBe(4);
    expect(merged.requestsPerMessage).toBe(1);
    expect(merged.bytesIn).toEqual({ bytes: 400, measured: 100, computed: 300, source: "mixed" });
    expect(merged.bytesOut).toEqual({ bytes: 40, measured: 0, computed: 40, source: "computed" });
    expect(merged.bytesPerMessage).toBe(110);
    expect(merged.reconnects).toBe(1);
    expect(merged.gaps).toBe(1);
    // Both counts of a share add up together, so the share of empty answers stays ≤ 100 %.
    expect([merged.responses, merged.emptyResponses]).toEqual([3, 2]);
    expect([merged.resets, merged.lost]).toEqual([1, 9]);
    expect(merged.missed).toBe(2);
    expect(merged.startedAt).toBe(1000);
    expect(merged.elapsedMs).toBe(4000);
    expect(merged.latency.count).toBe(4);
    expect(merged.latency.min).toBeCloseTo(10, 1);
    expect(merged.latency.max).toBeCloseTo(40, 1);
    expect(merged.latency.mean).toBeCloseTo(25, 1);
    expect(merged.histogram?.count).toBe(4);
  });

  it("merges histograms of a non-default layout, and refuses to mix layouts", () => {
    const histogram = { resolution: 0.01, significantDigits: 2, maxValue: 60_000 };
    const make = (values: number[], options = histogram) => {
      const metrics = createMetricsRecorder({ transport: "ws", now: () => 0, histogram: options });
      for (const v of values) metrics.recordMessage(v);
      return metrics.snapshot({ histogram: true });
    };
    const merged = mergeSnapshots([make([5, 7]), make([90_000])], 0);
    expect(merged.histogram).toMatchObject({ ...histogram, count: 3, overflow: 1, min: 5, max: 60_000 });
    expect(merged.latency.count).toBe(3);
    expect(merged.latency.max).toBe(60_000);
    expect(() => mergeSnapshots([make([5]), make([5], { ...histogram, significantDigits: 3 })], 0)).toThrow(
      RangeError,
    );
  });

  it("refuses a histogram whose buckets do not fit its layout", () => {
    const a = recorder(0);
    a.metrics.recordMessage(10);
    const good = a.metrics.snapshot({ histogram: true });
    const bad = { ...good, histogram: { ...(good.histogram as HistogramJSON), buckets: [1e9, 1] } };
    expect(() => mergeSnapshots([good, bad], 0)).toThrow(TypeError);
  });

  it("returns a single snapshot as it is", () => {
    const a = recorder(0);
    const snap = a.metrics.snapshot();
    expect(mergeSnapshots([snap], 10)).toBe(snap);
  });

  it("refuses snapshots without a histogram", () => {
    const a = recorder(0);
    expect(() => mergeSnapshots([a.metrics.snapshot(), a.metrics.snapshot()], 0)).toThrow(TypeError);
  });
});
