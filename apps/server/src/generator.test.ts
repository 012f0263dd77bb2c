import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createGenerator, generatorData } from "./generator.ts";

describe("generatorData", () => {
  it('is {"tick":n,"pad":"x…"} exactly payloadBytes long when that is possible', () => {
    for (const [tick, bytes] of [
      [1, 64],
      [42, 1000],
      [123456, 65536],
      [7, 19],
    ] as const) {
      const json = generatorData(tick, bytes);
      expect(json).toHaveLength(bytes);
      expect(JSON.parse(json)).toEqual({ tick, pad: "x".repeat(bytes - `{"tick":${tick},"pad":""}`.length) });
    }
  });

  it("is as short as possible below that", () => {
    expect(generatorData(5, 0)).toBe('{"tick":5,"pad":""}');
    expect(generatorData(5, 10)).toBe('{"tick":5,"pad":""}');
  });
});

describe("createGenerator", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const make = (hasClients = () => true, idleMs = 60_000) => {
    const published: string[] = [];
    const gen = createGenerator({ channel: "g", publish: (d) => published.push(d), hasClients, idleMs });
    return { gen, published };
  };

  it("publishes `rate` messages per second with consecutive ticks, and stops at rate 0", () => {
    const { gen, published } = make();
    expect(gen.state()).toEqual({ channel: "g", rate: 0, payloadBytes: 64, running: false });
    gen.set(100, 50);
    expect(gen.state()).toEqual({ channel: "g", rate: 100, payloadBytes: 50, running: true });
    vi.advanceTimersByTime(1000);
    expect(published.length).toBeGreaterThanOrEqual(99);
    expect(published.length).toBeLessThanOrEqual(100);
    expect(published.map((d) => JSON.parse(d).tick)).toEqual(published.map((_, k) => k + 1));
    expect(published.every((d) => d.length === 50)).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(published.length).toBeGreaterThanOrEqual(199);
    gen.set(0, 50);
    const n = published.length;
    expect(gen.state().running).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(published).toHaveLength(n);
  });

  it("a high rate is met by batching within each timer tick", () => {
    const { gen, published } = make();
    gen.set(5000, 10);
    vi.advanceTimersByTime(1000);
    expect(published.length).toBeGreaterThanOrEqual(4990);
    expect(published.length).toBeLessThanOrEqual(5000);
    gen.stop();
  });

  it("stops by itself after idleMs with no clients, and not while clients remain", () => {
    let clients = true;
    const { gen, published } = make(() => clients, 500);
    gen.set(10, 20);
    vi.advanceTimersByTime(2000);
    expect(gen.state().running).toBe(true);
    clients = false;
    vi.advanceTimersByTime(1000);
    expect(gen.state().running).toBe(false);
    const n = published.length;
    expect(n).toBeGreaterThan(20);
    expect(n).toBeLessThan(32);
    vi.advanceTimersByTime(2000);
    expect(published).toHaveLength(n);
  });
});

describe("createGenerator with real timers", () => {
  it("a vanishingly small rate sets no timer beyond setTimeout's range (no TimeoutOverflowWarning)", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      const gen = createGenerator({
        channel: "g",
        publish: () => {},
        hasClients: () => true,
        idleMs: 60_000,
      });
      gen.set(1e-9, 10);
      expect(gen.state()).toMatchObject({ rate: 1e-9, running: true });
      await new Promise((r) => setTimeout(r, 20));
      gen.stop();
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });
});
