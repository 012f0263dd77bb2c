import { describe, expect, it } from "vitest";
import { stripCaption } from "./event-words.ts";
import type { LaneEvent } from "./lane-events.ts";

const at = (h: number, m: number, s: number, ms = 0) => new Date(2026, 10, 26, h, m, s, ms).getTime();
const ev = (kind: LaneEvent["kind"], t: number, detail = ""): LaneEvent => ({
  kind,
  at: t,
  transport: "ws",
  detail,
});

describe("stripCaption", () => {
  it("says there was no drop while a lane only connected", () => {
    expect(stripCaption("ws", [ev("connect", at(10, 0, 1))])).toBe("Connected at 10:00:01; no drop since.");
    expect(stripCaption("ws", [])).toBe("No connection event in the last 60 s.");
  });

  it("lists the cut, the drop and the resume in words", () => {
    const events = [
      ev("connect", at(10, 0, 1)),
      ev("cut", at(10, 0, 5)),
      ev("drop", at(10, 0, 5, 20), "server_restart"),
      ev("resume", at(10, 0, 5, 300), "from e:40"),
    ];
    expect(stripCaption("ws", events)).toBe(
      "10:00:05.000 “Disconnect everyone” pressed · 10:00:05.020 dropped (the server cut it) · 10:00:05.300 back, resumed from e:40.",
    );
  });

  it("says interval polling had nothing to cut, and long polling was re-sent by the browser", () => {
    const events = [ev("connect", at(10, 0, 1)), ev("cut", at(10, 0, 5))];
    expect(stripCaption("poll", events)).toMatch(
      /^10:00:05.000 “Disconnect everyone”: interval polling holds no connection between polls/,
    );
    expect(stripCaption("longPoll", events)).toMatch(/the browser sent the same GET again by itself/);
  });
});
