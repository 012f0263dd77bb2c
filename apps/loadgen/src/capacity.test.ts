import { describe, expect, it } from "vitest";
import { throughputRatio } from "./capacity.ts";
import type { RunResult } from "./run.ts";

const result = (deliveriesPerSecond: number, scheduleP99: number | null) =>
  ({ deliveriesPerSecond, latencyScheduled: { p99: scheduleP99 } }) as unknown as RunResult;

describe("throughputRatio", () => {
  it("compares deliveries per second when both targets kept up with their schedule", () => {
    expect(throughputRatio(result(9_000, 40), result(10_000, 35))).toBe("0.90");
  });

  it("gives no ratio when either target fell over a second behind (its window holds backlog)", () => {
    expect(throughputRatio(result(204_780, 2390), result(113_475, 1264))).toBe("overloaded");
    expect(throughputRatio(result(100_000, 50), result(113_475, 1264))).toBe("overloaded");
    expect(throughputRatio(result(100_000, null), result(100_000, 50))).toBe("overloaded");
  });

  it("has nothing to compare without a baseline", () => {
    expect(throughputRatio(result(100_000, 50), undefined)).toBe("–");
  });
});
