import { afterEach, describe, expect, it, vi } from "vitest";
import { offsetAt } from "./clock-offset.ts";
import { createClockTracker } from "./clock-tracker.ts";

/**
 * A client clock and a server whose clock runs `driftPpm` faster and starts `offset` ahead. Each
 * ping takes the next RTT from `rtts` (cycling); the server stamps it somewhere in the trip (30–70 %
 * of the way), as a real one does, so a single sample is off by up to a fifth of its RTT.
 */
function simulated(offset: number, driftPpm: number, rtts: readonly number[]) {
  let t = 1_000_000;
  let i = 0;
  const server = (client: number) => client + offset + driftPpm * 1e-6 * (client - 1_000_000);
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    /** The true offset at client time `at`. */
    trueOffset: (at: number) => server(at) - at,
    ping: async () => {
      const split = [0.5, 0.3, 0.7, 0.4][i % 4] ?? 0.5;
      const rtt = rtts[i++ % rtts.length] ?? 1;
      t += rtt * split;
      const stamp = server(t);
      t += rtt * (1 - split);
      return stamp;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("createClockTracker", () => {
  it("keeps the lowest-RTT sample of every round, and the best round over the session", async () => {
    const sim = simulated(250, 0, [4, 3, 5, 6, 9, 8, 2, 7, 7]);
    const tracker = createClockTracker({
      ping: sim.ping,
      now: sim.now,
      samples: 3,
      roundSamples: 3,
      intervalMs: 0,
    });
    const first = await tracker.start();
    expect(first).toMatchObject({ rtt: 3, uncertainty: 1.5, samples: 3, driftPpm: null });
    expect(Math.abs(first.offset - 250)).toBeLessThanOrEqual(first.uncertainty);
    sim.advance(1000);
    expect((await tracker.round())?.rtt).toBe(3); // 6, 9, 8: none better
    sim.advance(1000);
    expect(await tracker.round()).toMatchObject({ rtt: 2, uncertainty: 1, samples: 9 });
  });

  it("tracks drift, so that the offset stays right between rounds", async () => {
    const sim = simulated(-40, 80, [1.2, 0.8, 1.0, 1.4]);
    const tracker = createClockTracker({ ping: sim.ping, now: sim.now, intervalMs: 0 });
    await tracker.start();
    for (let k = 0; k < 10; k++) {
      sim.advance(30_000);
      await tracker.round();
    }
    const clock = tracker.current;
    if (clock === null) throw new Error("no estimate");
    expect(clock.driftPpm).toBeGreaterThan(75);
    expect(clock.driftPpm).toBeLessThan(85);
    // Ten minutes later, without a round in between: the drift carries the offset on (80 ppm × 600 s = 48 ms).
    const later = sim.now() + 600_000;
    expect(Math.abs(offsetAt(clock, later) - sim.trueOffset(later))).toBeLessThan(1);
    // Without it the offset would be 48 ms off.
    expect(Math.abs(clock.offset - sim.trueOffset(later))).toBeGreaterThan(40);
  });

  it("starts over when the clock steps (a laptop woke up): old rounds no longer describe it", async () => {
    let jump = 0;
    const sim = simulated(10, 0, [1]);
    const tracker = createClockTracker({
      ping: async () => (await sim.ping()) + jump,
      now: sim.now,
      intervalMs: 0,
    });
    await tracker.start();
    jump = 3_600_000;
    sim.advance(30_000);
    const after = await tracker.round();
    expect(Math.abs((after?.offset ?? 0) - 3_600_010)).toBeLessThanOrEqual(after?.uncertainty ?? 0);
    expect(after?.samples).toBe(8);
  });

  it("runs a round every intervalMs until stopped, and tells its listeners", async () => {
    vi.useFakeTimers();
    const sim = simulated(0, 0, [1]);
    const tracker = createClockTracker({
      ping: sim.ping,
      now: sim.now,
      samples: 2,
      roundSamples: 1,
      intervalMs: 1000,
    });
    const seen: number[] = [];
    tracker.onChange((clock) => seen.push(clock.samples));
    await tracker.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(seen).toEqual([2, 3, 4, 5]);
    tracker.stop();
    await vi.advanceTimersByTimeAsync(3000);
    expect(seen).toEqual([2, 3, 4, 5]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a failed first round rejects and schedules nothing; the estimate stays null", async () => {
    vi.useFakeTimers();
    let after = 0;
    const tracker = createClockTracker({
      ping: () => Promise.reject(new Error("connection lost")),
      afterRound: () => {
        after += 1;
      },
      intervalMs: 1000,
    });
    await expect(tracker.start()).rejects.toThrow("connection lost");
    expect([tracker.current, after, vi.getTimerCount()]).toEqual([null, 1, 0]);
  });
});
