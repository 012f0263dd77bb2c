import { createMetricsRecorder } from "@transport-lab/metrics";
import { describe, expect, it } from "vitest";
import { diffRuns } from "./run-diff.ts";
import type { SavedRun } from "./saved-runs.ts";
import { DEFAULT_SETTINGS } from "./settings.ts";

function run(id: string, wsMessages: number, pollLost: number | null): SavedRun {
  const figures = (transport: "ws" | "poll", messages: number, lost: number) => {
    let t = 0;
    const metrics = createMetricsRecorder({ transport, now: () => t });
    for (let i = 0; i < messages; i++) metrics.recordMessage(10);
    metrics.recordRequest(2);
    if (lost > 0) metrics.recordLost(lost);
    t = 10_000;
    const check = { delivered: messages, skips: 0, skipped: 0, repeats: 0, resets: 0, lost, lastSeq: 0 };
    return { transport, metrics: metrics.snapshot({ histogram: true }), extras: null, check };
  };
  return {
    kind: "transport-lab/run",
    version: 1,
    id,
    label: id,
    startedAt: "2026-11-26T00:00:00.000Z",
    durationMs: 10_000,
    mode: "compare",
    settings: DEFAULT_SETTINGS,
    generator: null,
    server: { build: "test", epoch: null, historySize: 1000 },
    userAgent: "test",
    transports:
      pollLost === null
        ? [figures("ws", wsMessages, 0)]
        : [figures("ws", wsMessages, 0), figures("poll", 50, pollLost)],
  };
}

describe("diffRuns", () => {
  it("puts each figure of both runs side by side with their ratio", () => {
    const rows = diffRuns(run("a", 100, null), run("b", 300, 12));
    const ws = rows.filter((r) => r.transport === "ws");
    expect(ws.find((r) => r.figure === "Messages")).toEqual({
      transport: "ws",
      figure: "Messages",
      a: "100",
      b: "300",
      ratio: "×3.00",
    });
    expect(ws.find((r) => r.figure === "Messages / s")?.a).toBe("10.0");
    expect(ws.find((r) => r.figure === "Requests / msg")).toMatchObject({
      a: "0.0200",
      b: "0.0067",
      ratio: "×0.33",
    });
    const poll = rows.filter((r) => r.transport === "poll");
    expect(poll.find((r) => r.figure === "Lost")).toMatchObject({ a: "not measured", b: "12", ratio: "–" });
  });
});
