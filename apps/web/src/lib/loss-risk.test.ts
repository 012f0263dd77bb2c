import { describe, expect, it } from "vitest";
import { explainLoss, historySeconds, lossRisks } from "./loss-risk.ts";

describe("lossRisks", () => {
  it("says interval polling will lose messages when a poll interval outlasts the history", () => {
    const risks = lossRisks(2000, 1000, 1000);
    const poll = risks.find((r) => r.transport === "poll");
    expect(poll?.level).toBe("will");
    expect(poll?.text).toContain("at 2,000 msg/s that is 500 ms of history");
    expect(poll?.text).toContain("about 50% of them will be gone before it asks");
    expect(poll?.text).toContain("HISTORY=4000");
    expect(risks.find((r) => r.transport === "longPoll")).toBeUndefined();
  });

  it("warns about long polling only when the history is shorter than half a second", () => {
    expect(lossRisks(5000, 100, 1000).find((r) => r.transport === "longPoll")?.level).toBe("may");
    expect(lossRisks(1000, 100, 1000).find((r) => r.transport === "longPoll")).toBeUndefined();
  });

  it("has nothing to say while nothing is published, and names the outage limit when it is under a minute", () => {
    expect(lossRisks(0, 1000, 1000)).toEqual([]);
    expect(lossRisks(10, 1000, 1000)).toEqual([]);
    const risks = lossRisks(50, 1000, 1000);
    expect(risks.map((r) => r.transport)).toEqual(["all"]);
    expect(risks[0]?.text).toContain("more than 20.0 s");
    expect(historySeconds(1000, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("explainLoss", () => {
  it("explains a poll that asked too rarely, and an outage", () => {
    const ctx = { rate: 2000, pollIntervalMs: 1000, historySize: 1000, awayMs: null };
    expect(explainLoss("poll", 950, ctx)).toMatch(
      /^950 messages lost: between two polls \(every 1.00 s\) about 2,000 new messages/,
    );
    expect(explainLoss("ws", 1, { ...ctx, awayMs: 12_000 })).toMatch(
      /^1 message lost: this transport was away for 12.0 s/,
    );
  });
});
