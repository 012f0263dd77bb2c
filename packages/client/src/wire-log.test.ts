import { describe, expect, it } from "vitest";
import { type WireEvent, WireLog } from "./wire-log.ts";

const event = (size: number): WireEvent => ({
  transport: "ws",
  direction: "in",
  kind: "frame",
  size,
  source: "computed",
  time: size,
  summary: `#${size}`,
});

describe("WireLog", () => {
  it("keeps the last `capacity` events, oldest first", () => {
    const log = new WireLog(3);
    for (let i = 1; i <= 5; i++) log.push(event(i));
    expect(log.toArray().map((e) => e.size)).toEqual([3, 4, 5]);
    expect(log.size).toBe(3);
  });

  it("keeps nothing at capacity 0", () => {
    const log = new WireLog(0);
    log.push(event(1));
    expect(log.toArray()).toEqual([]);
  });
});
