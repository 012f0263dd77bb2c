import { describe, expect, it } from "vitest";
import { histogramFromJSON } from "./hdr-histogram.ts";
import { createMetricsRecorder, emptySnapshot } from "./metrics-recorder.ts";

function fakeClock(start: number) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("createMetricsRecorder", () => {
  it("snapshots exact counters, per-message ratios and byte sources", () => {
    const clock = fakeClock(1_700_000_000_000);
    const m = createMetricsRecorder({ transport: "longPoll", now: clock.now });
    m.setClockOffset({ offset: 1000, rtt: 8, uncertainty: 4, samples: 5 });
    m.recordRequest(); // first poll
    m.recordAnswer(0);
    m.recordRequest();
    m.recordAnswer(2);
    m.recordMessage(1);
    m.recordMessage(2);
    m.recordMessage(); // latency unknown: counted as a message, not in the histogram
    m.recordMessage(-0.5);
    m.recordRequest(2); // a publish and a reconnect
    m.recordPublish();
    m.recordReconnect();
    m.recordGap(3);
    m.recordGap(1);
    m.recordDuplicate();
    m.recordReorder();
    m.recordReset();
    m.recordLost(17);
    m.recordError();
    m.addBytes("in", 900, "measured");
    m.addBytes("in", 100, "measured");
    m.addBytes("out", 200, "computed");
    clock.advance(2500);

    expect(m.snapshot()).toEqual({
      version: 1,
      transport: "longPoll",
      startedAt: 1_700_000_000_000,
      elapsedMs: 2500,
      messages: 4,
      latency: {
        count: 3,
        min: 0,
        mean: 1,
        p50: 1,
        p90: 2,
        p99: 2,
        max: 2,
        negative: 1,
        overflow: 0,
        invalid: 0,
      },
      clock: { offset: 1000, rtt: 8, uncertainty: 4, samples: 5 },
      httpRequests: 4,
      bytesIn: { bytes: 1000, measured: 1000, computed: 0, source: "measured" },
      bytesOut: { bytes: 200, measured: 0, computed: 200, source: "computed" },
      requestsPerMessage: 1,
      bytesPerMessage: 300,
      responses: 2,
      emptyResponses: 1,
      gaps: 2,
      missed: 4,
      duplicates: 1,
      reorders: 1,
      resets: 1,
      lost: 17,
      reconnects: 1,
      publishes: 1,
      errors: 1,
    });
  });

  it("labels mixed sources and reports null per-message figures before the first message", () => {
    const m = createMetricsRecorder({ transport: "ws", now: () => 0 });
    m.recordRequest(); // the handshake
    m.addBytes("out", 250, "computed");
    m.addBytes("out", 50, "measured");
    const s = m.snapshot();
    expect(s.bytesOut).toEqual({ bytes: 300, measured: 50, computed: 250, source: "mixed" });
    expect(s.bytesIn).toEqual({ bytes: 0, measured: 0, computed: 0, source: null });
    expect([s.messages, s.requestsPerMessage, s.bytesPerMessage, s.clock]).toEqual([0, null, null, null]);
    expect(s.latency.p50).toBeNull();
  });

  it("is plain JSON and can carry its histogram", () => {
    const m = createMetricsRecorder({ transport: "sse", now: () => 5 });
    for (let v = 1; v <= 100; v++) m.recordMessage(v);
    const plain = m.snapshot();
    expect(plain).not.toHaveProperty("histogram");
    expect(JSON.parse(JSON.stringify(plain))).toEqual(plain);
    const full = JSON.parse(JSON.stringify(m.snapshot({ histogram: true })));
    expect(full.histogram).toEqual(m.latency.toJSON());
    expect(histogramFromJSON(full.histogram).percentile(99)).toBe(m.latency.percentile(99));
  });

  it("reset zeroes the counters, keeps the clock offset and restarts the clock", () => {
    const clock = fakeClock(100);
    const m = createMetricsRecorder({ transport: "poll", now: clock.now });
    const offset = { offset: 3, rtt: 2, uncertainty: 1, samples: 1 };
    m.setClockOffset(offset);
    m.recordMessage(5);
    m.recordRequest();
    m.recordGap(2);
    m.addBytes("in", 10, "computed");
    clock.advance(50);
    m.reset();
    clock.advance(7);
    const fresh = createMetricsRecorder({ transport: "poll", now: () => 157 });
    fresh.setClockOffset(offset);
    expect(m.snapshot()).toEqual({ ...fresh.snapshot(), startedAt: 150, elapsedMs: 7 });
  });

  it("rejects negative or NaN byte counts and lost seqs", () => {
    const m = createMetricsRecorder({ transport: "ws" });
    expect(() => m.addBytes("in", -1, "computed")).toThrow(RangeError);
    expect(() => m.addBytes("in", Number.NaN, "computed")).toThrow(RangeError);
    expect(() => m.recordLost(-1)).toThrow(RangeError);
  });

  it("remeasure replaces computed bytes by measured ones, and ignores what a reset already dropped", () => {
    const m = createMetricsRecorder({ transport: "poll", now: () => 0 });
    m.addBytes("in", 157, "computed");
    m.addBytes("in", 3039, "computed");
    m.remeasure("in", 3039, 3040);
    expect(m.snapshot().bytesIn).toEqual({ bytes: 3197, measured: 3040, computed: 157, source: "mixed" });
    expect(() => m.remeasure("in", 1, Number.NaN)).toThrow(RangeError);
    m.remeasure("in", 158, 0);
    m.remeasure("out", 1, 1);
    expect(m.snapshot().bytesIn.bytes).toBe(3197);
    expect(m.snapshot().bytesOut.bytes).toBe(0);
    m.reset();
    m.remeasure("in", 3039, 3040);
    expect(m.snapshot().bytesIn.bytes).toBe(0);
  });

  it("emptySnapshot is what a fresh recorder snapshots, without making one", () => {
    expect(emptySnapshot("ws", 42)).toEqual(
      createMetricsRecorder({ transport: "ws", now: () => 42 }).snapshot(),
    );
    const layout = { significantDigits: 2, maxValue: 60_000 };
    expect(emptySnapshot("sse", 7, layout)).toEqual(
      createMetricsRecorder({ transport: "sse", now: () => 7, histogram: layout }).snapshot({
        histogram: true,
      }),
    );
    expect(emptySnapshot("poll", 7, {})).toEqual(
      createMetricsRecorder({ transport: "poll", now: () => 7 }).snapshot({ histogram: true }),
    );
  });
});
