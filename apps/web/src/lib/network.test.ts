import type { LinkInfo } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { expectedLatency, findLink, formatKbps, linkFigures, resolveNetwork } from "./network.ts";

const base: LinkInfo = {
  name: "4g",
  baseUrl: "/link/4g",
  kind: "network",
  rttMs: 150,
  downKbps: 1600,
  upKbps: 750,
  jitterMs: 0,
  lossPercent: 0,
  stallMs: 0,
  bufferBytes: null,
  idleTimeoutMs: null,
  upgrade: "pass",
  description: "A typical mobile connection.",
  source: "",
};
const proxy: LinkInfo = {
  ...base,
  name: "buffering-proxy",
  kind: "fault",
  rttMs: 0,
  downKbps: null,
  upKbps: null,
  bufferBytes: 16_384,
  upgrade: "strip",
};

describe("network words", () => {
  it("says what a link adds", () => {
    expect(linkFigures(base)).toBe("150 ms round trip · 1.6 Mbit/s down · 750 kbit/s up");
    expect(linkFigures(proxy)).toBe("answers held until 16 KiB · WebSocket upgrades not passed on");
    expect(linkFigures({ ...base, rttMs: 0, downKbps: null, upKbps: null })).toBe("nothing added");
    expect(linkFigures({ ...base, rttMs: 2, lossPercent: 0.2, stallMs: 200, downKbps: 30_000 })).toBe(
      "2 ms round trip · 30 Mbit/s down · 750 kbit/s up · 0.2 % loss (200 ms stalls)",
    );
    expect(linkFigures({ ...proxy, bufferBytes: null, upgrade: "pass", idleTimeoutMs: 30_000 })).toBe(
      "idle connections cut after 30 s",
    );
    expect([formatKbps(null), formatKbps(18_130), formatKbps(500)]).toEqual([
      "unlimited",
      "18.13 Mbit/s",
      "500 kbit/s",
    ]);
  });

  it("uses a network only once the server is known to have it", () => {
    expect(resolveNetwork(null, "5g")).toEqual({ network: "5g", missing: false });
    expect(resolveNetwork([base], "5g")).toEqual({ network: "", missing: true });
    expect(resolveNetwork([base], "4g")).toEqual({ network: "4g", missing: false });
    expect(resolveNetwork([base], "")).toEqual({ network: "", missing: false });
    expect(findLink([base], "4g")).toBe(base);
    expect(findLink([base], "")).toBeUndefined();
  });

  it("expects R/2 for a stream, (interval + R)/2 + R/2 for interval polling (it waits the interval after each answer)", () => {
    expect(expectedLatency(base, 1000)).toEqual({
      oneWay: 75,
      stream: 75,
      longPollWorst: 225,
      poll: 650,
      longPollBatchRate: 1000 / 150,
    });
    expect(expectedLatency(undefined, 1000).longPollBatchRate).toBeNull();
  });
});
