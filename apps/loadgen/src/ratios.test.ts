import { describe, expect, it } from "vitest";
import { sameRunRatio } from "./ratios.ts";
import type { RunResult } from "./run.ts";

const result = (deliveriesPerSecond: number, scheduleP99: number | null) =>
  ({ deliveriesPerSecond, latencyScheduled: { p99: scheduleP99 } }) as unknown as RunResult;

const throughput = (r: RunResult, b: RunResult | undefined) =>
  sameRunRatio(r, b, (x) => x.deliveriesPerSecond);

describe("sameRunRatio", () => {
  it("compares deliveries per second when both targets kept up with their schedule", () => {
    expect(throughput(result(9_000, 40), result(10_000, 35))).toBe("0.90");
  });

  it("gives no ratio when either target fell over a second behind (its window holds backlog)", () => {
    expect(throughput(result(204_780, 2390), result(113_475, 1264))).toBe("overloaded");
    expect(throughput(result(100_000, 50), result(113_475, 1264))).toBe("overloaded");
    expect(throughput(result(100_000, null), result(100_000, 50))).toBe("overloaded");
  });

  it("gives no latency ratio either when a side is overloaded (p99 from sequencing hides the backlog)", () => {
    const p99 = (x: RunResult) => x.deliveriesPerSecond / 1000; // any figure: the guard is the same
    expect(sameRunRatio(result(40_000, 40), result(50_000, 35), p99)).toBe("0.80");
    expect(sameRunRatio(result(40_000, 2390), result(50_000, 35), p99)).toBe("overloaded");
  });

  it("has nothing to compare without a baseline", () => {
    expect(throughput(result(100_000, 50), undefined)).toBe("–");
  });
});
