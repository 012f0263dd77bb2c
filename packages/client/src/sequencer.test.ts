import { describe, expect, it } from "vitest";
import { Sequencer, Verdict } from "./sequencer.ts";

describe("Sequencer", () => {
  it("starts from a given cursor and delivers seq+1, seq+2 … advancing the cursor", () => {
    const s = new Sequencer("ep:5");
    expect(s.cursor).toBe("ep:5");
    expect([6, 7, 8].map((n) => s.accept(n))).toEqual([Verdict.deliver, Verdict.deliver, Verdict.deliver]);
    expect(s.cursor).toBe("ep:8");
    expect(s.counts.delivered).toBe(3);
  });

  it("asks live (undefined) or earliest until the server places it, then adopts only the first start", () => {
    expect(new Sequencer().cursor).toBeUndefined();
    const s = new Sequencer("earliest");
    expect(s.cursor).toBe("earliest");
    s.start("ep:10");
    s.start("other:99");
    expect(s.cursor).toBe("ep:10");
    expect(() => new Sequencer("nope")).toThrow(TypeError);
  });

  it("drops and counts duplicates", () => {
    const s = new Sequencer("ep:0");
    expect([1, 2, 2, 1, 3].map((n) => s.accept(n))).toEqual([
      Verdict.deliver,
      Verdict.deliver,
      Verdict.duplicate,
      Verdict.duplicate,
      Verdict.deliver,
    ]);
    expect(s.counts).toMatchObject({ delivered: 3, duplicates: 2, gaps: 0 });
  });

  it("counts a gap once, discards beyond it until the resend, then counts the late arrival as reordered", () => {
    const s = new Sequencer("ep:0");
    expect([1, 4, 5, 2, 3, 4, 5].map((n) => s.accept(n))).toEqual([
      Verdict.deliver,
      Verdict.gap,
      Verdict.discard,
      Verdict.deliverReordered,
      Verdict.deliverReordered,
      Verdict.deliverReordered,
      Verdict.deliver,
    ]);
    expect(s.counts).toEqual({
      delivered: 5,
      duplicates: 0,
      gaps: 1,
      missing: 2,
      discarded: 1,
      reordered: 3,
      resets: 0,
      lost: 0,
    });
    expect(s.cursor).toBe("ep:5");
  });

  it("a reset moves the position to the server's cursor, epoch included", () => {
    const s = new Sequencer("old:50");
    s.reset("new:0");
    expect(s.cursor).toBe("new:0");
    expect(s.accept(1)).toBe(Verdict.deliver);
    expect(s.counts.resets).toBe(1);
  });

  it("counts the seqs a reset skips: up to the cursor in the same epoch, the new epoch's before it otherwise", () => {
    const s = new Sequencer("ep:5");
    s.accept(6);
    expect(s.reset("ep:20")).toBe(14); // 7…20 expired unseen
    expect(s.reset("next:3")).toBe(3); // next:1…3 gone before we got there; ep's tail is unknowable
    expect(s.reset("next:3")).toBe(0);
    expect(s.counts).toMatchObject({ resets: 3, lost: 17 });
  });
});
