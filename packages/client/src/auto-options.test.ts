import { describe, expect, it } from "vitest";
import { AUTO_DEFAULTS, DEFAULT_AUTO_ORDER, resolveAutoOptions } from "./auto-options.ts";

describe("resolveAutoOptions", () => {
  it("defaults to WebSocket, SSE, long polling with the documented timings", () => {
    const o = resolveAutoOptions();
    expect(o.order).toEqual(["ws", "sse", "longPoll"]);
    expect(DEFAULT_AUTO_ORDER).toEqual(["ws", "sse", "longPoll"]);
    expect([o.openTimeoutMs, o.rememberMs, o.upgradeIntervalMs]).toEqual([3000, 600_000, 60_000]);
    expect(AUTO_DEFAULTS.openTimeoutMs).toBe(3000);
  });

  it("takes an order of its own, interval polling only last", () => {
    expect(resolveAutoOptions({ order: ["sse", "longPoll", "poll"] }).order).toEqual([
      "sse",
      "longPoll",
      "poll",
    ]);
    expect(resolveAutoOptions({ order: ["poll"] }).order).toEqual(["poll"]);
    expect(() => resolveAutoOptions({ order: ["poll", "ws"] })).toThrow("auto.order may have poll only last");
    expect(() => resolveAutoOptions({ order: ["ws", "ws"] })).toThrow("auto.order repeats itself: ws,ws");
    expect(() => resolveAutoOptions({ order: [] })).toThrow("auto.order needs at least one transport");
  });

  it("refuses timings that cannot work", () => {
    expect(() => resolveAutoOptions({ openTimeoutMs: 0 })).toThrow("auto.openTimeoutMs must be above 0");
    expect(() => resolveAutoOptions({ rememberMs: -1 })).toThrow(
      "auto.rememberMs must be a number ≥ 0, got -1",
    );
    expect(() => resolveAutoOptions({ upgradeIntervalMs: Number.NaN })).toThrow(
      "auto.upgradeIntervalMs must be a number ≥ 0, got NaN",
    );
    expect(resolveAutoOptions({ rememberMs: 0, upgradeIntervalMs: 0 })).toMatchObject({
      rememberMs: 0,
      upgradeIntervalMs: 0,
    });
  });
});
