import { LONG_POLL_TIMEOUT } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS } from "../config.ts";
import { checkLinks, type LinkSpec, presetLinks } from "./presets.ts";

describe("presetLinks", () => {
  it("is a valid table: the six networks, then the four faults", () => {
    const links = presetLinks();
    expect(() => checkLinks(links)).not.toThrow();
    expect(links.filter((l) => l.kind === "network").map((l) => l.name)).toEqual([
      "loopback",
      "lan",
      "wifi",
      "4g",
      "3g",
      "satellite",
    ]);
    expect(links.filter((l) => l.kind === "fault").map((l) => l.name)).toEqual([
      "ws-blocked",
      "ws-dropped",
      "buffering-proxy",
      "idle-timeout",
    ]);
  });

  it("keeps every transport alive through the idle-timeout link with the server's default timings", () => {
    const idle = presetLinks({ idleTimeoutMs: DEFAULT_OPTIONS.linkIdleTimeoutMs }).find(
      (l) => l.name === "idle-timeout",
    )?.idleTimeoutMs as number;
    expect(idle).toBe(30_000);
    // A WebSocket ping, an SSE comment, a long-poll's empty answer: each crosses it before it cuts.
    expect(DEFAULT_OPTIONS.heartbeatMs).toBeLessThan(idle);
    expect(DEFAULT_OPTIONS.sseKeepAliveMs).toBeLessThan(idle);
    expect(LONG_POLL_TIMEOUT.default).toBeLessThan(idle);
  });
});

describe("checkLinks", () => {
  const base = presetLinks()[1] as LinkSpec;
  it.each([
    [{ name: "Bad Name" }, /name must match/],
    [{ rttMs: -1 }, /rttMs must be from 0/],
    [{ lossPercent: 101 }, /lossPercent must be at most 100/],
    [{ downKbps: 0 }, /downKbps must be null or above 0/],
    [{ downKbps: null }, /a link with a delay needs downKbps and upKbps/],
  ] as [Partial<LinkSpec>, RegExp][])("refuses %o", (change, message) => {
    expect(() => checkLinks([{ ...base, ...change }])).toThrow(message);
  });

  it("refuses a name used twice", () => {
    expect(() => checkLinks([base, base])).toThrow(/name used twice/);
  });
});
