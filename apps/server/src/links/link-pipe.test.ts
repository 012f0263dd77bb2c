import { describe, expect, it } from "vitest";
import { LinkPipe, OPEN_PIPE, type PipeParams } from "./link-pipe.ts";

const params = (p: Partial<PipeParams>): PipeParams => ({ ...OPEN_PIPE, ...p });

/** Sends `sizes` back to back; resolves with each item's arrival time after the first send (ms). */
function arrivals(pipe: LinkPipe, sizes: number[]): Promise<number[]> {
  const t0 = performance.now();
  const times: number[] = [];
  return new Promise((resolve) => {
    sizes.forEach((size, i) => {
      pipe.send(Buffer.alloc(size, i), () => {
        times[i] = performance.now() - t0;
        if (times.filter((t) => t !== undefined).length === sizes.length) resolve(times);
      });
    });
  });
}

describe("LinkPipe", () => {
  it("passes bytes at once and in order when nothing is added", () => {
    const pipe = new LinkPipe();
    const got: number[] = [];
    for (let i = 0; i < 5; i++) pipe.send(Buffer.from([i]), (slice) => got.push(slice?.[0] ?? -1));
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(pipe.idle).toBe(true);
  });

  it("delays each item by the one-way delay", async () => {
    const [at] = await arrivals(new LinkPipe(params({ delayMs: 60, kbps: 1_000_000 })), [10]);
    expect(at).toBeGreaterThanOrEqual(59);
    expect(at).toBeLessThan(80);
  });

  it("serializes at the bottleneck rate: 20 kB at 1600 kbit/s take 100 ms, trickling in slices", async () => {
    const pipe = new LinkPipe(params({ kbps: 1600 }));
    const t0 = performance.now();
    let sent = 0;
    const slices: number[] = [];
    await new Promise<void>((resolve) => {
      pipe.send(
        Buffer.alloc(20_000),
        (slice) => {
          slices.push(slice?.length ?? 0);
          if (slices.reduce((a, b) => a + b, 0) === 20_000) resolve();
        },
        () => {
          sent = performance.now() - t0;
        },
      );
    });
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThan(95);
    expect(elapsed).toBeLessThan(130);
    expect(sent).toBeGreaterThan(95);
    expect(slices.length).toBeGreaterThan(10);
    expect(Math.max(...slices)).toBeLessThanOrEqual(1460);
  });

  it("keeps byte order under jitter: every delay within delay ± jitter, never overtaking", async () => {
    // A fixed sequence of "random" numbers makes the later items want to overtake the earlier ones.
    const seq = [0.99, 0.01, 0.5, 0.0, 0.9, 0.2];
    let n = 0;
    const pipe = new LinkPipe(
      params({ delayMs: 40, jitterMs: 20, kbps: 1_000_000 }),
      () => seq[n++ % 6] as number,
    );
    const times = await arrivals(pipe, [10, 10, 10, 10, 10, 10]);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(19);
      expect(t).toBeLessThan(75);
    }
    // The first item drew +19.6 ms and everything behind it waits for it (head-of-line).
    expect(times[1]).toBeGreaterThanOrEqual(58);
  });

  it("turns every loss into a stall of stallMs for the lost bytes and everything behind them", async () => {
    const lossy = new LinkPipe(params({ delayMs: 10, kbps: 1_000_000, lossPercent: 100, stallMs: 80 }));
    const [first, second] = await arrivals(lossy, [100, 100]);
    expect(first).toBeGreaterThanOrEqual(89);
    expect(second).toBeGreaterThanOrEqual(first as number);
    const clean = new LinkPipe(params({ delayMs: 10, kbps: 1_000_000, lossPercent: 0, stallMs: 80 }));
    const [plain] = await arrivals(clean, [100]);
    expect(plain).toBeLessThan(40);
  });

  it("holds the first send for a handshake, and forgets everything on clear()", async () => {
    const pipe = new LinkPipe(params({ delayMs: 20, kbps: 1_000_000 }));
    pipe.holdUntil(performance.now() + 40);
    const [at] = await arrivals(pipe, [10]);
    expect(at).toBeGreaterThanOrEqual(59);
    let arrived = false;
    pipe.send(Buffer.alloc(10), () => {
      arrived = true;
    });
    expect(pipe.idle).toBe(false);
    pipe.clear();
    await new Promise((r) => setTimeout(r, 60));
    expect(arrived).toBe(false);
    expect(pipe.idle).toBe(true);
  });
});
