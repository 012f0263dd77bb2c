import { describe, expect, it } from "vitest";
import { EARLIEST, formatCursor, parseCursor } from "./cursor.ts";

describe("parseCursor", () => {
  it("absent or empty means live; `earliest` means the oldest retained", () => {
    expect(parseCursor(undefined)).toEqual({ kind: "live" });
    expect(parseCursor(null)).toEqual({ kind: "live" });
    expect(parseCursor("")).toEqual({ kind: "live" });
    expect(parseCursor(EARLIEST)).toEqual({ kind: "earliest" });
  });

  it("parses <epoch>:<seq>", () => {
    expect(parseCursor("abc:0")).toEqual({ kind: "at", epoch: "abc", seq: 0 });
    expect(parseCursor("Zx9_-Q:42")).toEqual({ kind: "at", epoch: "Zx9_-Q", seq: 42 });
    expect(parseCursor(`${"e".repeat(64)}:9007199254740991`)).toEqual({
      kind: "at",
      epoch: "e".repeat(64),
      seq: Number.MAX_SAFE_INTEGER,
    });
  });

  it("returns null for anything else", () => {
    for (const raw of [
      "garbage",
      "EARLIEST",
      "latest",
      ":5",
      "abc:",
      "abc:-1",
      "abc:+1",
      "abc:01",
      "abc:1.5",
      "abc:1e3",
      "abc: 1",
      " abc:1",
      "abc:0x10",
      "a:b:1",
      "é:1",
      `${"e".repeat(65)}:1`,
      "abc:9007199254740992", // past MAX_SAFE_INTEGER
      "abc:99999999999999999",
    ]) {
      expect(parseCursor(raw), raw).toBeNull();
    }
  });

  it("round-trips with formatCursor", () => {
    for (const [epoch, seq] of [
      ["E", 0],
      ["Zx9_-Q", 123],
      ["abcdefghijkl", Number.MAX_SAFE_INTEGER],
    ] as const) {
      const text = formatCursor(epoch, seq);
      expect(text).toBe(`${epoch}:${seq}`);
      expect(parseCursor(text)).toEqual({ kind: "at", epoch, seq });
    }
  });
});
