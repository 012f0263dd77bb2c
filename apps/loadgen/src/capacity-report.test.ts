import { describe, expect, it } from "vitest";
import { type CapacityRow, failedTries, repeatedFigures } from "./capacity-report.ts";
import type { RunResult } from "./run.ts";

/** A fan-out cell with the two figures the repeated table reads. */
const cell = (
  scenario: CapacityRow["scenario"],
  target: RunResult["target"],
  rate: number,
  cpu: number,
  p99: number,
  scheduleP99 = p99 + 5,
  transport = target === "socketio-baseline" ? "socketio" : "ws",
): CapacityRow => ({
  scenario,
  result: {
    target,
    spec: { transport, rate, clients: 1000 },
    received: 1000,
    expected: 1000,
    latency: { p99 },
    latencyScheduled: { p99: scheduleP99 },
    server: { cpuPerDeliveryUs: cpu },
  } as unknown as RunResult,
});

/**
 * One round: this server, raw ws, Socket.IO, as the suite's `compared` runs them; each target's
 * p99 is its CPU figure plus 20 (raw ws) or 40 (Socket.IO), so no two figures coincide.
 */
const round = (scenario: CapacityRow["scenario"], rate: number, server: number, raw: number, sio = 18) => [
  cell(scenario, "server", rate, server, server),
  cell(scenario, "ws-baseline", rate, raw, raw + 20),
  cell(scenario, "socketio-baseline", rate, sio, sio + 40),
];

describe("repeated fan-out figures", () => {
  it("pools the fan-out row with its repeats: medians, ranges and ratios round by round", () => {
    const figures = repeatedFigures([
      ...round("fanout", 10, 11, 14),
      // Rows the table must not take: another scenario, this server's SSE and Socket.IO endpoint.
      cell("maxrate", "server", 10, 99, 99),
      cell("fanout", "server", 10, 77, 77, 80, "sse"),
      cell("fanout", "server", 10, 66, 66, 70, "socketio"),
      ...round("repeat", 10, 12, 13, 20),
      ...round("repeat", 10, 10, 12.5, 16),
    ]);
    const cpu = figures.find((f) => f.rate === 10 && f.kind === "cpu");
    expect(cpu?.server).toEqual({ median: 11, min: 10, max: 12, n: 3 });
    expect(cpu?.raw).toEqual({ median: 13, min: 12.5, max: 14, n: 3 });
    expect(cpu?.sio).toEqual({ median: 18, min: 16, max: 20, n: 3 });
    expect(cpu?.pairs.map((x) => x.toFixed(3))).toEqual(["0.786", "0.923", "0.800"]);
    // p99 is read from sequencing (not from the schedule), each target's own.
    const p99 = figures.find((f) => f.rate === 10 && f.kind === "p99");
    expect(p99?.server).toEqual({ median: 11, min: 10, max: 12, n: 3 });
    expect(p99?.raw).toEqual({ median: 33, min: 32.5, max: 34, n: 3 });
    expect(p99?.sio?.median).toBe(58);
    expect(p99?.pairs.map((x) => x.toFixed(3))).toEqual(["0.324", "0.364", "0.308"]);
  });

  it("gives figures only for cells that were repeated, and leaves out samples behind their schedule", () => {
    const figures = repeatedFigures([
      ...round("fanout", 100, 5, 9),
      ...round("fanout", 50, 9, 11),
      ...round("repeat", 50, 8, 10),
      cell("repeat", "server", 50, 7, 40),
      cell("repeat", "ws-baseline", 50, 20, 40, 1800),
    ]);
    expect(new Set(figures.map((f) => f.rate))).toEqual(new Set([50]));
    const cpu = figures.find((f) => f.kind === "cpu");
    // The overloaded raw ws sample counts neither in its median nor in a pair.
    expect(cpu?.raw).toEqual({ median: 10.5, min: 10, max: 11, n: 2 });
    expect(cpu?.server?.n).toBe(3);
    expect(cpu?.pairs.map((x) => x.toFixed(2))).toEqual(["0.82", "0.80"]);
  });
});

describe("highest sustained rate", () => {
  it("names the rates a target needed a second try at and the one it failed twice", () => {
    const step = (target: RunResult["target"], rate: number, p99: number) =>
      cell("maxrate", target, rate, 5, p99);
    const rows = [
      step("server", 20, 30),
      step("server", 50, 140), // a slow spell: the second try sustains it
      step("server", 50, 40),
      step("server", 80, 60),
      step("server", 120, 180),
      step("server", 120, 150),
      // Another target's failures are not this one's, nor this server's on another transport.
      cell("maxrate", "server", 50, 5, 300, 300, "sse"),
      cell("maxrate", "server", 20, 5, 300, 300, "sse"),
      step("ws-baseline", 20, 130),
      step("ws-baseline", 20, 40),
      step("ws-baseline", 50, 120),
      step("ws-baseline", 50, 120),
    ];
    const best = rows[3]?.result as RunResult;
    expect(failedTries(best, rows)).toEqual({ retried: "50", stopped: "120" });
    expect(failedTries(rows[9]?.result as RunResult, rows)).toEqual({ retried: "20", stopped: "50" });
    // A target that sustained every step has nowhere it stopped.
    const ladder = [20, 50, 80].map((rate) => step("server", rate, 30));
    expect(failedTries(ladder[2]?.result as RunResult, ladder)).toEqual({ retried: "–", stopped: "–" });
  });
});
