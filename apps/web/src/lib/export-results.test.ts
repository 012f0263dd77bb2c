import { CSV_HEADER, createMetricsRecorder } from "@transport-lab/metrics";
import type { LinkInfo } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { buildExport, CSV_SETTINGS_HEADER, exportCsv, exportFileName } from "./export-results.ts";
import type { RunFigures } from "./saved-runs.ts";
import { DEFAULT_SETTINGS } from "./settings.ts";

function figures(transport: "ws" | "poll", messages: number, requests: number, lost = 0): RunFigures {
  const metrics = createMetricsRecorder({ transport, now: () => 1000 });
  for (let i = 0; i < messages; i++) metrics.recordMessage(5);
  metrics.recordRequest(requests);
  if (lost > 0) metrics.recordLost(lost);
  const check = {
    delivered: messages,
    skips: 0,
    skipped: 0,
    repeats: 0,
    resets: lost > 0 ? 1 : 0,
    lost,
    lastSeq: 0,
  };
  return { transport, metrics: metrics.snapshot({ histogram: true }), extras: null, check };
}

const context = {
  settings: {
    ...DEFAULT_SETTINGS,
    channel: "lab",
    network: "4g",
    pollIntervalMs: 250,
    paused: ["sse" as const, "longPoll" as const],
  },
  mode: "compare" as const,
  generator: { rate: 100, payloadBytes: 64, running: true },
};

describe("exportCsv", () => {
  it("writes the settings, then the metrics, then what was lost, one row per transport", () => {
    const csv = exportCsv([figures("ws", 10, 1), figures("poll", 10, 20, 7)], context);
    const lines = csv.trimEnd().split("\r\n");
    const header = lines[0]?.split(",") ?? [];
    expect(header.slice(0, CSV_SETTINGS_HEADER.length)).toEqual([...CSV_SETTINGS_HEADER]);
    expect(header.slice(CSV_SETTINGS_HEADER.length, CSV_SETTINGS_HEADER.length + CSV_HEADER.length)).toEqual([
      ...CSV_HEADER,
    ]);
    expect(header).toContain("lost");
    expect(lines).toHaveLength(3);
    const col = (line: string | undefined, name: string) => line?.split(",")[header.indexOf(name)];
    expect(col(lines[1], "channel")).toBe("lab");
    expect(col(lines[1], "network")).toBe("4g");
    expect(col(lines[1], "pollIntervalMs")).toBe("250");
    expect(col(lines[1], "generatorRate")).toBe("100");
    expect(col(lines[1], "paused")).toBe("sse longPoll");
    expect(col(lines[1], "transport")).toBe("ws");
    expect(col(lines[1], "requestsPerMessage")).toBe("0.1");
    expect(col(lines[2], "transport")).toBe("poll");
    expect(col(lines[2], "requestsPerMessage")).toBe("2");
    expect(col(lines[2], "lost")).toBe("7");
    expect(col(lines[1], "run")).toBe("");
  });
});

describe("buildExport", () => {
  it("carries the figures with histograms and the settings they were measured under", () => {
    const doc = buildExport([figures("ws", 3, 1)], {
      ...context,
      exportedAt: new Date("2026-11-26T01:02:03.456Z"),
      page: "http://lab/?rate=100",
      userAgent: "test",
      settings: { ...DEFAULT_SETTINGS, rate: 100, network: "ws-blocked" },
      network: { name: "ws-blocked", kind: "fault", rttMs: 0 } as LinkInfo,
      startCursor: "e1:0",
      server: null,
    });
    expect(doc.settings.network).toBe("ws-blocked");
    expect(doc.network?.name).toBe("ws-blocked");
    expect(doc.kind).toBe("transport-lab/web-results");
    expect(doc.exportedAt).toBe("2026-11-26T01:02:03.456Z");
    expect(doc.settings.rate).toBe(100);
    expect(doc.generator).toEqual({ rate: 100, payloadBytes: 64, running: true });
    expect(doc.transports[0]?.metrics.histogram?.count).toBe(3);
    expect(doc.transports[0]?.check?.delivered).toBe(3);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe("exportFileName", () => {
  it("is safe on every file system", () => {
    expect(exportFileName("chat", new Date("2026-11-26T01:02:03.456Z"), "csv")).toBe(
      "transport-lab-chat-2026-11-26T01-02-03Z.csv",
    );
  });
});
