import { describe, expect, it } from "vitest";
import { RingBuffer } from "./ring-buffer.ts";

describe("RingBuffer", () => {
  it("keeps everything below capacity, oldest first", () => {
    const ring = new RingBuffer<number>(4);
    ring.push(1);
    ring.push(2);
    expect(ring.toArray()).toEqual([1, 2]);
    expect(ring.size).toBe(2);
    expect(ring.total).toBe(2);
  });

  it("evicts the oldest items past capacity and counts them", () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 10; i++) ring.push(i);
    expect(ring.toArray()).toEqual([8, 9, 10]);
    expect(ring.size).toBe(3);
    expect(ring.total).toBe(10);
  });

  it("returns the newest items newest first", () => {
    const ring = new RingBuffer<string>(5);
    for (const s of ["a", "b", "c", "d", "e", "f", "g"]) ring.push(s);
    expect(ring.latest(2)).toEqual(["g", "f"]);
    expect(ring.latest(99)).toEqual(["g", "f", "e", "d", "c"]);
  });

  it("stays bounded after 100,000 pushes", () => {
    const ring = new RingBuffer<number>(200);
    for (let i = 0; i < 100_000; i++) ring.push(i);
    expect(ring.size).toBe(200);
    expect(ring.toArray()[0]).toBe(99_800);
    expect(ring.toArray()[199]).toBe(99_999);
  });

  it("clears", () => {
    const ring = new RingBuffer<number>(2);
    ring.push(1);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    expect(ring.total).toBe(0);
  });

  it("refuses a capacity below 1", () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
