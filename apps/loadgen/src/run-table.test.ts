import { describe, expect, it } from "vitest";
import type { RunResult } from "./run.ts";
import { RUN_HEADER, runRow, runTable } from "./run-table.ts";

const result = (
  target: RunResult["target"],
  transport: RunResult["spec"]["transport"],
  over: Partial<RunResult> = {},
) =>
  ({
    target,
    open: 1000,
    deliveriesPerSecond: 10_000,
    latency: { p50: 9, p99: 22 },
    latencyScheduled: { p99: 30 },
    requestsPerSecond: 0,
    bytesPerMessage: 146,
    memoryPerConnection: 7.5 * 1024,
    spec: { transport, rate: 10, clients: 1000 },
    server: { cpuMax: 50, cpuPerDeliveryUs: 10 },
    gaps: 0,
    ...over,
  }) as unknown as RunResult;

describe("run table", () => {
  it("adds same-run ratios to the baseline when a run has one, on this server's rows", () => {
    const anchor = {
      memoryPerConnection: 15 * 1024,
      server: { cpuMax: 50, cpuPerDeliveryUs: 20 },
    } as Partial<RunResult>;
    const table = runTable([
      result("server", "ws"),
      result("ws-baseline", "ws", {
        latency: { p99: 20 },
        memoryPerConnection: 6 * 1024,
        server: { cpuMax: 50, cpuPerDeliveryUs: 12.5 },
      } as Partial<RunResult>),
      result("socketio-baseline", "socketio", anchor),
      result("server", "socketio", { memoryPerConnection: 16 * 1024 } as Partial<RunResult>),
      result("server", "poll"),
    ]);
    expect(table.head.slice(-6)).toEqual([
      "p99 ×base",
      "deliv ×base",
      "cpu ×base",
      "KB ×base",
      "cpu ×sio",
      "KB ×sio",
    ]);
    expect(table.rows.map((r) => r.slice(-6))).toEqual([
      ["1.10", "1.00", "0.80", "1.25", "0.50", "0.50"],
      ["", "", "", "", "", ""],
      ["", "", "", "", "", ""],
      // The server's Socket.IO endpoint has Socket.IO as its baseline: ×sio would say the same.
      ["1.00", "1.00", "0.50", "1.07", "", ""],
      ["–", "–", "–", "–", "", ""],
    ]);
  });

  it("gives idle connections a memory ratio only: with nothing sent there is no latency to compare", () => {
    const idle = {
      spec: { transport: "ws", rate: 0 },
      latency: { p99: null },
      latencyScheduled: { p99: null },
    };
    const table = runTable([
      result("server", "ws", idle as Partial<RunResult>),
      result("ws-baseline", "ws", { ...idle, memoryPerConnection: 6 * 1024 } as Partial<RunResult>),
    ]);
    expect(table.rows[0]?.slice(-6, -2)).toEqual(["–", "–", "–", "1.25"]);
  });

  it("has no ratio columns without a baseline, and says – for a memory figure it cannot give", () => {
    const table = runTable([result("server", "longPoll", { memoryPerConnection: null })]);
    expect(table.head).not.toContain("p99 ×base");
    expect(table.rows[0]?.slice(0, 4)).toEqual(["longPoll", "server", "1000", "10"]);
    expect(table.rows[0]?.[table.head.indexOf("KB/conn")]).toBe("–");
    expect(table.note).toContain("p99 sch: receive time − the time the message was due");
  });

  it("prints fixed-width rows under the header for cells that finish one by one", () => {
    const row = runRow(result("server", "sse"));
    expect(RUN_HEADER.startsWith("transport target")).toBe(true);
    expect(row).toMatch(/^sse\s+server\s+1000\s+10\s/);
    expect(row.length).toBe(RUN_HEADER.length);
  });
});
