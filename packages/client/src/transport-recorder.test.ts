import { describe, expect, it } from "vitest";
import { TransportRecorder } from "./transport-recorder.ts";

describe("TransportRecorder", () => {
  it("labels bytes measured, computed or mixed, and pulls live probes only by their deltas", () => {
    const stats = new TransportRecorder("ws", () => 0);
    const probe = { bytesIn: 100, bytesOut: 40 };
    stats.attach(probe);
    stats.computedIn(90, true);
    expect(stats.snapshot().bytesIn).toEqual({ bytes: 100, measured: 100, computed: 0, source: "measured" });
    probe.bytesIn = 150;
    expect(stats.snapshot().bytesIn.bytes).toBe(150);
    probe.bytesIn = 160;
    stats.retire(probe);
    probe.bytesIn = 999; // no longer read
    stats.computedIn(7, false);
    expect(stats.snapshot().bytesIn).toEqual({ bytes: 167, measured: 160, computed: 7, source: "mixed" });
    expect(stats.snapshot().bytesOut).toEqual({ bytes: 40, measured: 40, computed: 0, source: "measured" });
    expect(stats.extras().computedEstimateIn).toBe(97);

    const browser = new TransportRecorder("sse", () => 0);
    browser.computedOut(300, false);
    expect(browser.snapshot().bytesOut).toEqual({
      bytes: 300,
      measured: 0,
      computed: 300,
      source: "computed",
    });
  });

  it("counts requests by purpose: clock requests apart, publishes also as publishes", () => {
    const stats = new TransportRecorder("poll", () => 0);
    for (const purpose of ["connect", "poll", "publish", "clock", "publish"] as const)
      stats.countRequest(purpose);
    const snapshot = stats.snapshot();
    expect(snapshot.httpRequests).toBe(4);
    expect(snapshot.publishes).toBe(2);
    expect(stats.extras().clockRequests).toBe(1);
  });
});
