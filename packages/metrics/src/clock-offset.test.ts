import { describe, expect, it } from "vitest";
import { createClockOffsetEstimator, deliveryLatency, estimateClockOffset } from "./clock-offset.ts";

describe("createClockOffsetEstimator", () => {
  it("keeps the lowest-RTT sample: server 1000 ms ahead, asymmetric paths", () => {
    const e = createClockOffsetEstimator();
    expect(e.best).toBeNull();
    // 50 ms out, 10 ms back: the midpoint assumption is 20 ms off, inside ±30.
    expect(e.add({ t0: 100, serverTime: 1150, t1: 160 })).toBe(true);
    expect(e.best).toEqual({ offset: 1020, rtt: 60, uncertainty: 30, samples: 1 });
    // 5 ms each way.
    e.add({ t0: 200, serverTime: 1205, t1: 210 });
    expect(e.best).toEqual({ offset: 1000, rtt: 10, uncertainty: 5, samples: 2 });
    // Worse RTT and an equal RTT later do not replace it.
    e.add({ t0: 300, serverTime: 1390, t1: 400 });
    e.add({ t0: 500, serverTime: 1509, t1: 510 });
    expect(e.best).toEqual({ offset: 1000, rtt: 10, uncertainty: 5, samples: 4 });
  });

  it("handles a server clock behind the client", () => {
    const e = createClockOffsetEstimator();
    e.add({ t0: 10_000, serverTime: 7_504, t1: 10_008 });
    expect(e.best).toEqual({ offset: -2500, rtt: 8, uncertainty: 4, samples: 1 });
  });

  it("ignores samples whose receive time precedes their send time or is not finite", () => {
    const e = createClockOffsetEstimator();
    expect(e.add({ t0: 10, serverTime: 1000, t1: 9 })).toBe(false);
    expect(e.add({ t0: 10, serverTime: Number.NaN, t1: 12 })).toBe(false);
    expect(e.best).toBeNull();
  });
});

describe("estimateClockOffset", () => {
  it("pings sequentially and returns the lowest-RTT estimate", async () => {
    const serverAhead = 1000;
    const paths: ReadonlyArray<readonly [number, number]> = [
      [20, 20],
      [3, 9],
      [15, 15],
      [2, 2],
      [30, 5],
    ];
    let clientNow = 50_000;
    let calls = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const ping = async () => {
      const [out, back] = paths[calls++] ?? [0, 0];
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await Promise.resolve();
      clientNow += out;
      const serverTime = clientNow + serverAhead;
      clientNow += back;
      inFlight--;
      return serverTime;
    };
    const best = await estimateClockOffset(ping, { now: () => clientNow });
    expect(calls).toBe(5);
    expect(maxInFlight).toBe(1);
    expect(best).toEqual({ offset: 1000, rtt: 4, uncertainty: 2, samples: 5 });
  });

  it("takes the requested number of samples and uses the performance clock by default", async () => {
    let calls = 0;
    const best = await estimateClockOffset(
      async () => {
        calls++;
        return Date.now();
      },
      { samples: 3 },
    );
    expect(calls).toBe(3);
    expect(best.samples).toBe(3);
    // Date.now() and performance.timeOrigin + performance.now() are both the local wall clock.
    expect(Math.abs(best.offset)).toBeLessThan(1000);
  });

  it("rejects when a ping rejects or no sample is usable", async () => {
    await expect(estimateClockOffset(() => Promise.reject(new Error("down")))).rejects.toThrow("down");
    await expect(estimateClockOffset(async () => Number.NaN)).rejects.toThrow("no usable clock sample");
    await expect(estimateClockOffset(async () => 0, { samples: 0 })).rejects.toThrow(RangeError);
  });
});

describe("deliveryLatency", () => {
  it("maps the receive time onto the server clock before subtracting", () => {
    // Server 1000 ms ahead stamps 5000; the client receives 30 ms later at its 4030.
    expect(deliveryLatency(4030, 5000, 1000)).toBe(30);
    // Server 250 ms behind stamps 1000; received 12.5 ms later at client 1262.5.
    expect(deliveryLatency(1262.5, 1000, -250)).toBe(12.5);
  });
});
