import type { WireEvent } from "@transport-lab/client";
import { describe, expect, it } from "vitest";
import { compactAnswer, compactRequest, toWireRows } from "./wire-rows.ts";

const ev = (
  p: Partial<WireEvent> & Pick<WireEvent, "kind" | "direction" | "time" | "summary">,
): WireEvent => ({
  transport: "poll",
  size: 100,
  source: "computed",
  ...p,
});

describe("toWireRows", () => {
  it("pairs a request with its answer, newest first, and marks empty answers", () => {
    const rows = toWireRows(
      [
        ev({
          kind: "request",
          direction: "out",
          time: 1000,
          summary: "GET /api/channels/chat/poll?cursor=e%3A1",
          size: 150,
        }),
        ev({ kind: "response", direction: "in", time: 1004, summary: "empty", size: 210 }),
        ev({ kind: "request", direction: "out", time: 2004, summary: "GET /poll?cursor=e:1", size: 150 }),
        ev({ kind: "response", direction: "in", time: 2010, summary: "2 messages #2–#3", size: 400 }),
      ],
      10,
    );
    expect(rows.map((r) => [r.time, r.label, r.answer, r.heldMs, r.size, r.empty])).toEqual([
      [2004, "GET /poll?cursor=…:1", "2 messages #2–#3", 6, 550, false],
      [1000, "GET …/poll?cursor=…:1", "empty", 4, 360, true],
    ]);
  });

  it("passes frames through and honours the limit", () => {
    const events = Array.from({ length: 50 }, (_, i) =>
      ev({ kind: "frame", direction: "in", time: i, summary: `message #${i}` }),
    );
    const rows = toWireRows(events, 3);
    expect(rows.map((r) => r.label)).toEqual(["message #49", "message #48", "message #47"]);
    expect(rows[0]?.direction).toBe("in");
  });

  it("shows a response whose request was evicted on its own", () => {
    const rows = toWireRows([ev({ kind: "response", direction: "in", time: 5, summary: "empty" })], 5);
    expect(rows[0]?.direction).toBe("in");
    expect(rows[0]?.answer).toBeNull();
  });
});

describe("compactRequest", () => {
  it("drops the channel prefix and decodes the cursor's colon", () => {
    expect(compactRequest("GET /api/channels/room-1/long-poll?timeout=25000&cursor=abc%3A12")).toBe(
      "GET …/long-poll?timeout=25000&cursor=…:12",
    );
    expect(compactRequest("POST /api/channels/chat/messages")).toBe("POST …/messages");
  });

  it("says a one-message range once", () => {
    expect(compactAnswer("1 message #22–#22")).toBe("1 message #22");
    expect(compactAnswer("3 messages #4–#6")).toBe("3 messages #4–#6");
  });
});
