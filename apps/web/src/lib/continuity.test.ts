import { describe, expect, it } from "vitest";
import { ContinuityCheck, switchVerdict } from "./continuity.ts";

describe("ContinuityCheck", () => {
  it("counts nothing wrong for 1..N after a start", () => {
    const check = new ContinuityCheck();
    check.start(10);
    for (let seq = 11; seq <= 100; seq++) check.accept(seq);
    expect([check.delivered, check.skips, check.repeats, check.lastSeq]).toEqual([90, 0, 0, 100]);
  });

  it("counts a skip with the number of seqs skipped, and a repeat", () => {
    const check = new ContinuityCheck();
    check.start(0);
    check.accept(1);
    check.accept(4);
    check.accept(4);
    check.accept(2);
    expect([check.skips, check.skipped, check.repeats]).toEqual([1, 2, 2]);
  });

  it("accepts any first seq when no start was given (live start)", () => {
    const check = new ContinuityCheck();
    check.accept(500);
    check.accept(501);
    expect(check.skips).toBe(0);
  });

  it("does not count a server reset as a loss", () => {
    const check = new ContinuityCheck();
    check.start(5);
    check.accept(6);
    check.reset(40);
    check.accept(41);
    expect([check.skips, check.resets]).toEqual([0, 1]);
  });

  it("counts the seqs an expired reset jumped over as lost, and an epoch reset as unknown", () => {
    const check = new ContinuityCheck();
    check.start(5);
    check.accept(6);
    expect(check.reset(40, true)).toBe(34);
    check.accept(41);
    expect(check.reset(0, false)).toBeNull();
    check.accept(1);
    expect([check.lost, check.skips, check.resets, check.lastSeq]).toEqual([34, 0, 2, 1]);
  });

  it("cannot say what an expired reset lost when it did not know where it was", () => {
    const check = new ContinuityCheck();
    check.reset(null);
    expect(check.reset(90, true)).toBeNull();
    expect(check.lost).toBe(0);
  });

  it("takes the next seq as it comes after a reset to an unknown position", () => {
    const check = new ContinuityCheck();
    check.start(50);
    check.reset(null);
    check.accept(3);
    check.accept(4);
    expect([check.skips, check.repeats, check.resets, check.lastSeq]).toEqual([0, 0, 1, 4]);
  });

  it("records the first seq after a switch and judges it", () => {
    const check = new ContinuityCheck();
    check.start(0);
    check.accept(1);
    check.accept(2);
    check.switched("ws", "poll", 1000, "e:2");
    expect(switchVerdict(check.switches[0] as never)).toBe("waiting");
    check.accept(3);
    check.accept(4);
    expect(check.switches[0]).toEqual({
      from: "ws",
      to: "poll",
      at: 1000,
      cursor: "e:2",
      lastSeqBefore: 2,
      firstSeqAfter: 3,
      superseded: false,
    });
    expect(switchVerdict(check.switches[0] as never)).toBe("seamless");
  });

  it("says a switch was passed over when the next one came before any message (Auto falling back twice)", () => {
    const check = new ContinuityCheck();
    check.start(0);
    check.switched("ws", "sse", 1, "e:0");
    check.switched("sse", "longPoll", 2, "e:0");
    check.accept(1);
    expect(check.switches.map(switchVerdict)).toEqual(["superseded", "seamless"]);
  });

  it("judges lost and repeated switches", () => {
    const base = {
      from: "ws",
      to: "sse",
      at: 0,
      cursor: "e:5",
      lastSeqBefore: 5,
      superseded: false,
    } as const;
    expect(switchVerdict({ ...base, firstSeqAfter: 7 })).toBe("lost");
    expect(switchVerdict({ ...base, firstSeqAfter: 5 })).toBe("repeated");
  });

  it("keeps the last 20 switches", () => {
    const check = new ContinuityCheck();
    for (let i = 0; i < 25; i++) check.switched("ws", "sse", i, undefined);
    expect(check.switches.length).toBe(20);
    expect(check.switches[0]?.at).toBe(5);
  });
});
