import { describe, expect, it } from "vitest";
import { LinkPipe, OPEN_PIPE, type PipeClock, type PipeParams } from "./link-pipe.ts";

const params = (p: Partial<PipeParams>): PipeParams => ({ ...OPEN_PIPE, ...p });

/**
 * A clock the test moves by hand: every timer fires at exactly its time, so the assertions are the
 * emulation's own arithmetic, free of a busy machine's timer lateness.
 */
class ManualClock implements PipeClock {
  t = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  #ids = 0;
  now = () => this.t;
  schedule = (fn: () => void, ms: number) => {
    this.#ids += 1;
    this.#timers.set(this.#ids, { at: this.t + ms, fn });
    return this.#ids;
  };
  cancel = (handle: unknown) => {
    this.#timers.delete(handle as number);
  };
  /** Moves time to `to`, firing each timer due by then at its own time, earliest first. */
  advanceTo(to: number): void {
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers)
        if (entry[1].at <= to && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = to;
  }
  get pending(): number {
    return this.#timers.size;
  }
}

/** A pipe on a manual clock, and the arrival time of each item sent through it. */
function pipeOn(p: Partial<PipeParams>, random?: () => number) {
  const clock = new ManualClock();
  const pipe = new LinkPipe(params(p), random, clock);
  const times: number[] = [];
  const send = (size: number, onSent?: () => void) => {
    const i = times.length;
    times.push(Number.NaN);
    pipe.send(
      Buffer.alloc(size, i),
      () => {
        times[i] = clock.now();
      },
      onSent,
    );
  };
  return { clock, pipe, times, send };
}

describe("LinkPipe", () => {
  it("passes bytes at once and in order when nothing is added", () => {
    const pipe = new LinkPipe();
    const got: number[] = [];
    for (let i = 0; i < 5; i++) pipe.send(Buffer.from([i]), (slice) => got.push(slice?.[0] ?? -1));
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(pipe.idle).toBe(true);
  });

  it("delays each item by the one-way delay (to within the half millisecond it fires early)", () => {
    const { clock, times, send } = pipeOn({ delayMs: 60, kbps: 1_000_000 });
    send(10);
    clock.advanceTo(59);
    expect(times[0]).toBeNaN();
    clock.advanceTo(200);
    expect(times[0]).toBeGreaterThanOrEqual(59.5);
    expect(times[0]).toBeLessThanOrEqual(60.1);
  });

  it("serializes at the bottleneck rate: 20 kB at 1600 kbit/s take 100 ms, trickling in segments", () => {
    const clock = new ManualClock();
    const pipe = new LinkPipe(params({ kbps: 1600 }), undefined, clock);
    const slices: { at: number; bytes: number }[] = [];
    let sentAt = Number.NaN;
    pipe.send(
      Buffer.alloc(20_000),
      (slice) => slices.push({ at: clock.now(), bytes: slice?.length ?? 0 }),
      () => {
        sentAt = clock.now();
      },
    );
    clock.advanceTo(1000);
    expect(slices.reduce((a, s) => a + s.bytes, 0)).toBe(20_000);
    expect(slices.length).toBe(Math.ceil(20_000 / 1460));
    expect(Math.max(...slices.map((s) => s.bytes))).toBe(1460);
    // Each segment leaves when its last bit has: 1460 B at 200 B/ms is 7.3 ms apart.
    expect(slices[0]?.at).toBeCloseTo(7.3, 0);
    expect(slices.at(-1)?.at).toBeCloseTo(100, 0);
    expect(sentAt).toBeCloseTo(100, 0);
  });

  it("keeps byte order under jitter: every delay within delay ± jitter, never overtaking", () => {
    // A fixed sequence of "random" numbers makes later items want to overtake earlier ones.
    const seq = [0.99, 0.01, 0.5, 0.0, 0.9, 0.2];
    let n = 0;
    const { clock, times, send } = pipeOn(
      { delayMs: 40, jitterMs: 20, kbps: 1_000_000 },
      () => seq[n++ % 6] as number,
    );
    for (let i = 0; i < 6; i++) {
      clock.advanceTo(10 * i);
      send(10);
    }
    clock.advanceTo(500);
    // Sent at 0, 10 … 50 ms with delays 59.6, 20.4, 40, 20, 56, 28: each waits for the one ahead of
    // it, and an item due within half a millisecond goes with the one before.
    const due = [59.6, 59.6, 60, 60, 96, 96];
    for (const [i, t] of times.entries()) {
      expect(t).toBeGreaterThanOrEqual((due[i] as number) - 0.5);
      expect(t).toBeLessThanOrEqual((due[i] as number) + 0.01);
    }
  });

  it("turns every loss into a stall of stallMs for the lost bytes and everything behind them", () => {
    const lossy = pipeOn({ delayMs: 10, kbps: 1_000_000, lossPercent: 100, stallMs: 80 });
    lossy.send(100);
    lossy.send(100);
    lossy.clock.advanceTo(500);
    expect(lossy.times[0]).toBeCloseTo(90, 0);
    expect(lossy.times[1]).toBeGreaterThanOrEqual(lossy.times[0] as number);
    const clean = pipeOn({ delayMs: 10, kbps: 1_000_000, lossPercent: 0, stallMs: 80 });
    clean.send(100);
    clean.clock.advanceTo(500);
    expect(clean.times[0]).toBeCloseTo(10, 0);
  });

  it("holds the first send for a handshake, and forgets everything on clear()", () => {
    const { clock, pipe, times, send } = pipeOn({ delayMs: 20, kbps: 1_000_000 });
    pipe.hold(40);
    send(10);
    clock.advanceTo(100);
    expect(times[0]).toBeCloseTo(60, 0);
    send(10);
    expect(pipe.idle).toBe(false);
    pipe.clear();
    clock.advanceTo(300);
    expect(times[1]).toBeNaN();
    expect(pipe.idle).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it("dropUnsent() forgets what the bottleneck has not sent; what is on the wire arrives, then a marker", () => {
    // 8 kbit/s is one byte per ms: three 100-byte items are sent at 100, 200 and 300 ms, arriving 50 ms later.
    const { clock, pipe, times, send } = pipeOn({ delayMs: 50, kbps: 8 });
    const sent: number[] = [];
    for (let i = 0; i < 3; i++) send(100, () => sent.push(i));
    clock.advanceTo(120); // the first is on the wire, the second half sent, the third queued
    pipe.dropUnsent();
    expect(pipe.pendingBytes).toBe(100);
    let markerAt = Number.NaN;
    pipe.send(0, () => {
      markerAt = clock.now();
    });
    clock.advanceTo(1000);
    expect(times[0]).toBeCloseTo(150, 0);
    expect(times.slice(1)).toEqual([Number.NaN, Number.NaN]);
    expect(sent).toEqual([0]);
    expect(markerAt).toBeCloseTo(170, 0); // sent at once (nothing queued), behind the first item's arrival
    expect(pipe.idle).toBe(true);
  });

  it("delivers an item before it reports the send that ends at the same instant", () => {
    const pipe = new LinkPipe(params({}), undefined, new ManualClock());
    const order: string[] = [];
    pipe.send(
      Buffer.alloc(10),
      () => order.push("arrived"),
      () => order.push("sent"),
    );
    expect(order).toEqual(["arrived", "sent"]);
  });
});
