import { describe, expect, it } from "vitest";
import { createFrameBatcher, type FrameScheduler } from "./frame-batcher.ts";

/** A manual frame clock: `frame(t)` runs every callback scheduled so far at time t. */
function manualFrames() {
  let pending: ((time: number) => void)[] = [];
  const schedule: FrameScheduler = (callback) => {
    pending.push(callback);
    return () => {
      pending = pending.filter((c) => c !== callback);
    };
  };
  return {
    schedule,
    get pending() {
      return pending.length;
    },
    frame(time: number) {
      const run = pending;
      pending = [];
      for (const c of run) c(time);
    },
  };
}

describe("createFrameBatcher", () => {
  it("coalesces many marks into one flush per frame", () => {
    const frames = manualFrames();
    const flushed: number[] = [];
    const batcher = createFrameBatcher({ flush: (t) => flushed.push(t), schedule: frames.schedule });
    for (let i = 0; i < 1000; i++) batcher.mark();
    expect(frames.pending).toBe(1);
    frames.frame(16);
    expect(flushed).toEqual([16]);
    frames.frame(32);
    expect(flushed).toEqual([16]);
  });

  it("skips frames that come sooner than minIntervalMs, then flushes", () => {
    const frames = manualFrames();
    const flushed: number[] = [];
    const batcher = createFrameBatcher({
      flush: (t) => flushed.push(t),
      minIntervalMs: 100,
      schedule: frames.schedule,
    });
    batcher.mark();
    frames.frame(0);
    batcher.mark();
    frames.frame(16);
    frames.frame(50);
    frames.frame(99);
    expect(flushed).toEqual([0]);
    frames.frame(100);
    expect(flushed).toEqual([0, 100]);
  });

  it("does nothing after dispose", () => {
    const frames = manualFrames();
    let count = 0;
    const batcher = createFrameBatcher({ flush: () => count++, schedule: frames.schedule });
    batcher.mark();
    batcher.dispose();
    batcher.mark();
    frames.frame(16);
    expect(count).toBe(0);
    expect(frames.pending).toBe(0);
  });
});
