import type { ServerMetrics, TransportCounters } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { transportLoads } from "./class-rates.ts";

const zero: TransportCounters = { connections: 0, requests: 0, messagesOut: 0, bytesOut: 0, errors: 0 };

function metrics(overrides: Partial<ServerMetrics["transports"]>): ServerMetrics {
  return {
    transports: { ws: zero, sse: zero, longPoll: zero, poll: zero, ...overrides },
    publishes: { http: 0, ws: 0, generator: 0, rateLimited: 0 },
    channels: 1,
    process: { rss: 1, heapUsed: 1, cpu: 0, eventLoopDelayP99: 0 },
    uptime: 10,
  };
}

describe("transportLoads", () => {
  it("computes per-second rates and per-message costs between two samples", () => {
    const before = metrics({
      poll: { connections: 0, requests: 100, messagesOut: 50, bytesOut: 10_000, errors: 0 },
    });
    const after = metrics({
      poll: { connections: 0, requests: 120, messagesOut: 60, bytesOut: 14_000, errors: 1 },
    });
    const poll = transportLoads(before, after, 2).find((l) => l.transport === "poll");
    expect(poll).toEqual({
      transport: "poll",
      connections: 0,
      requestsPerSecond: 10,
      messagesPerSecond: 5,
      bytesPerSecond: 2000,
      requestsPerMessage: 2,
      bytesPerMessage: 400,
      errors: 1,
    });
  });

  it("has no rates for the first sample, and one row per transport in order", () => {
    const loads = transportLoads(null, metrics({ ws: { ...zero, connections: 30 } }), 2);
    expect(loads.map((l) => l.transport)).toEqual(["ws", "sse", "longPoll", "poll"]);
    expect(loads[0]?.connections).toBe(30);
    expect(loads[0]?.requestsPerSecond).toBeNull();
  });

  it("gives null instead of a negative rate after a server restart", () => {
    const before = metrics({ ws: { ...zero, requests: 500 } });
    const after = metrics({ ws: { ...zero, requests: 3 } });
    expect(transportLoads(before, after, 1)[0]?.requestsPerSecond).toBeNull();
  });

  it("has no per-message cost when no message went out", () => {
    const before = metrics({ longPoll: { ...zero, requests: 1 } });
    const after = metrics({ longPoll: { ...zero, requests: 4 } });
    expect(transportLoads(before, after, 1)[2]?.requestsPerMessage).toBeNull();
    expect(transportLoads(before, after, 1)[2]?.bytesPerMessage).toBeNull();
  });
});
