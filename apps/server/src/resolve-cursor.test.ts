import type { Cursor } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import type { LogState } from "./channel-log.ts";
import { ApiError } from "./errors.ts";
import { resolveCursor } from "./resolve-cursor.ts";

const at = (epoch: string, seq: number): Cursor => ({ kind: "at", epoch, seq });
/** Head 12, history of 5: 8..12 retained. */
const state: LogState = { epoch: "E", seq: 12, oldestSeq: 8, bytes: 500 };
const empty: LogState = { epoch: "E", seq: 0, oldestSeq: 1, bytes: 0 };

describe("resolveCursor", () => {
  it("live starts at the head", () => {
    expect(resolveCursor(state, { kind: "live" })).toEqual({ afterSeq: 12, cursor: "E:12" });
    expect(resolveCursor(empty, { kind: "live" })).toEqual({ afterSeq: 0, cursor: "E:0" });
  });

  it("earliest starts just before the oldest retained message", () => {
    expect(resolveCursor(state, { kind: "earliest" })).toEqual({ afterSeq: 7, cursor: "E:7" });
    expect(resolveCursor(empty, { kind: "earliest" })).toEqual({ afterSeq: 0, cursor: "E:0" });
  });

  it("a current cursor resumes exactly, from just-before-oldest up to the head", () => {
    for (const seq of [7, 8, 10, 12]) {
      expect(resolveCursor(state, at("E", seq))).toEqual({ afterSeq: seq, cursor: `E:${seq}` });
    }
    expect(resolveCursor(empty, at("E", 0))).toEqual({ afterSeq: 0, cursor: "E:0" });
  });

  it("a dropped seq resets with `expired` to the oldest retained", () => {
    for (const seq of [0, 1, 6]) {
      expect(resolveCursor(state, at("E", seq))).toEqual({ afterSeq: 7, cursor: "E:7", reset: "expired" });
    }
  });

  it("another epoch resets with `epoch`, whatever its seq", () => {
    for (const seq of [0, 10, 999]) {
      expect(resolveCursor(state, at("OLD", seq))).toEqual({ afterSeq: 7, cursor: "E:7", reset: "epoch" });
    }
    expect(resolveCursor(empty, at("OLD", 5))).toEqual({ afterSeq: 0, cursor: "E:0", reset: "epoch" });
  });

  it("a seq beyond the head of the current epoch is 400 bad_cursor", () => {
    for (const [s, seq] of [
      [state, 13],
      [empty, 1],
    ] as const) {
      let thrown: unknown;
      try {
        resolveCursor(s, at("E", seq));
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      expect(thrown).toMatchObject({ status: 400, code: "bad_cursor" });
    }
  });
});
