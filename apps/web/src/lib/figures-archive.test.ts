import type { Client, TransportExtras } from "@transport-lab/client";
import { createMetricsRecorder } from "@transport-lab/metrics";
import { describe, expect, it } from "vitest";
import { FiguresArchive } from "./figures-archive.ts";

const extras = (responses: number): TransportExtras => ({
  transport: "poll",
  clockRequests: 0,
  responses,
  connects: 1,
  drops: 0,
  framesIn: 0,
  framesOut: 0,
  received: 0,
  computedEstimateIn: 0,
  computedEstimateOut: 0,
});

/** A client of interval polling that got `answers` answers, `empty` of them empty. */
function pollClient(answers: number, empty: number): Client {
  const metrics = createMetricsRecorder({ transport: "poll", now: () => 0 });
  for (let i = 0; i < empty; i++) metrics.recordAnswer(0);
  for (let i = 0; i < answers - empty; i++) {
    metrics.recordAnswer(1);
    metrics.recordMessage(5);
  }
  return {
    snapshot: () => ({ transports: { poll: { metrics: metrics.snapshot(), extras: extras(answers) } } }),
    metrics: (_t: unknown, histogram = false) => metrics.snapshot({ histogram }),
  } as unknown as Client;
}

describe("FiguresArchive", () => {
  it("adds the answers of retired clients to the live one's, so that empty answers stay a share of the same clients' answers", () => {
    const archive = new FiguresArchive();
    // The lane's first client (before a new poll interval replaced it): 10 answers, 5 empty.
    archive.fold(pollClient(10, 5), 1000);
    const live = pollClient(2, 1);
    const figures = archive.figures("poll", live, false, 2000);
    expect(figures?.metrics.emptyResponses).toBe(6);
    expect(figures?.metrics.responses).toBe(12);
    // The share the panel shows: 6 of 12, not 6 of the live client's 2 (300%).
    expect((figures?.metrics.emptyResponses ?? 0) / (figures?.metrics.responses ?? 1)).toBe(0.5);
  });

  it("gives the archive alone while the lane has no live client (paused)", () => {
    const archive = new FiguresArchive();
    archive.fold(pollClient(4, 4), 1000);
    const figures = archive.figures("poll", null, true, 2000);
    expect(figures?.metrics.responses).toBe(4);
    expect(figures?.metrics.histogram).toBeDefined();
    expect(archive.figures("ws", null, false, 2000)).toBeNull();
  });
});
