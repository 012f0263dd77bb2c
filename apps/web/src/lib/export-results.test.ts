import { CSV_HEADER, createTransportMetrics } from "@transport-lab/metrics";
import { describe, expect, it } from "vitest";
import { buildExport, exportCsv, exportFileName } from "./export-results.ts";
import type { TransportFigures } from "./lab-view.ts";
import { DEFAULT_SETTINGS } from "./settings.ts";

function figures(transport: "ws" | "poll", messages: number, requests: number): TransportFigures {
  const metrics = createTransportMetrics({ transport, now: () => 1000 });
  for (let i = 0; i < messages; i++) metrics.recordMessage(5);
  metrics.recordRequest(requests);
  return { transport, metrics: metrics.snapshot({ histogram: true }), extras: null };
}

describe("exportCsv", () => {
  it("writes the metrics header and one row per transport", () => {
    const csv = exportCsv([figures("ws", 10, 1), figures("poll", 10, 20)]);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(CSV_HEADER.join(","));
    expect(lines).toHaveLength(3);
    const col = (line: string | undefined, name: string) => line?.split(",")[CSV_HEADER.indexOf(name)];
    expect(col(lines[1], "transport")).toBe("ws");
    expect(col(lines[1], "requestsPerMessage")).toBe("0.1");
    expect(col(lines[2], "transport")).toBe("poll");
    expect(col(lines[2], "requestsPerMessage")).toBe("2");
  });
});

describe("buildExport", () => {
  it("carries the figures with histograms and the settings they were measured under", () => {
    const doc = buildExport([figures("ws", 3, 1)], {
      exportedAt: new Date("2026-11-26T01:02:03.456Z"),
      page: "http://lab/?rate=100",
      userAgent: "test",
      settings: { ...DEFAULT_SETTINGS, rate: 100 },
      mode: "compare",
      startCursor: "e1:0",
      server: null,
    });
    expect(doc.kind).toBe("transport-lab/web-results");
    expect(doc.exportedAt).toBe("2026-11-26T01:02:03.456Z");
    expect(doc.settings.rate).toBe(100);
    expect(doc.transports[0]?.metrics.histogram?.count).toBe(3);
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
