import { describe, expect, it } from "vitest";
import { behindWords, fallingBehind } from "./behind.ts";
import type { AlignedSeries } from "./latency-series.ts";

/** Chart data with one bucket: ws, sse, longPoll, poll means in ms. */
const chart = (ws: number | null, sse: number | null): AlignedSeries => [[1], [ws], [sse], [5], [500]];

describe("fallingBehind", () => {
  it("names WebSocket when it is over a second late and five times SSE, and says it is the browser", () => {
    const behind = fallingBehind(chart(3300, 40));
    expect(behind).toEqual({ transport: "ws", recentMs: 3300, bestTransport: "sse", bestMs: 40 });
    expect(behindWords(behind as NonNullable<typeof behind>)).toMatch(
      /^WebSocket is delivering 3.30 s late while Server-Sent Events is at 40.0 ms\. That is the browser, not the protocol/,
    );
  });

  it("names nothing for streams that keep up, or are slow together", () => {
    expect(fallingBehind(chart(4, 3))).toBeNull();
    expect(fallingBehind(chart(900, 20))).toBeNull();
    expect(fallingBehind(chart(2000, 1500))).toBeNull();
    expect(fallingBehind(chart(null, 20))).toBeNull();
  });

  it("names SSE the same way when it is the one behind", () => {
    expect(fallingBehind(chart(10, 2500))?.transport).toBe("sse");
  });
});
