import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatLatency,
  formatMs,
  formatRate,
  formatRatio,
  formatShare,
  formatUncertainty,
  NONE,
} from "./format.ts";

describe("formatMs", () => {
  it.each([
    [0.4213, "0.42 ms"],
    [9.996, "10.00 ms"],
    [12.34, "12.3 ms"],
    [812.4, "812 ms"],
    [2412, "2.41 s"],
    [25_000, "25.0 s"],
    [-3.5, "-3.50 ms"],
  ])("%s → %s", (ms, text) => expect(formatMs(ms)).toBe(text));

  it("shows a dash for no value", () => {
    expect(formatMs(null)).toBe(NONE);
    expect(formatMs(Number.NaN)).toBe(NONE);
    expect(formatUncertainty(undefined)).toBe(NONE);
  });

  it("prefixes the uncertainty with ±", () => {
    expect(formatUncertainty(0.35)).toBe("±0.35 ms");
  });
});

describe("formatLatency", () => {
  it.each([
    [-0.61, 0.35, "< ±0.35 ms"],
    [0, 0.35, "< ±0.35 ms"],
    [0.2, 0.35, "< ±0.35 ms"],
    [0.35, 0.35, "0.35 ms"],
    [12.34, 0.35, "12.3 ms"],
    [-1.26, null, "0.00 ms"],
    [4.5, undefined, "4.50 ms"],
  ])("%s with ±%s → %s", (ms, u, text) => expect(formatLatency(ms, u)).toBe(text));

  it("shows a dash for no value", () => {
    expect(formatLatency(null, 0.5)).toBe(NONE);
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1536, "1.5 KiB"],
    [12 * 1024 * 1024, "12.0 MiB"],
    [3 * 1024 ** 3, "3.00 GiB"],
  ])("%s → %s", (n, text) => expect(formatBytes(n)).toBe(text));
});

describe("formatRatio", () => {
  it.each([
    [0, "0"],
    [0.000_42, "4.2e-4"],
    [0.0012, "0.0012"],
    [0.25, "0.25"],
    [1, "1.00"],
    [12.345, "12.3"],
    [431.2, "431"],
  ])("%s → %s", (n, text) => expect(formatRatio(n)).toBe(text));

  it("shows a dash when there is nothing to divide by", () => {
    expect(formatRatio(null)).toBe(NONE);
  });
});

describe("other figures", () => {
  it("formats counts, rates, shares and durations", () => {
    expect(formatCount(1234567.4)).toBe("1,234,567");
    expect(formatRate(12.54)).toBe("12.5/s");
    expect(formatRate(1234.4)).toBe("1,234/s");
    expect(formatShare(1, 3)).toBe("33%");
    expect(formatShare(1, 1000)).toBe("<1%");
    expect(formatShare(0, 0)).toBe(NONE);
    expect(formatDuration(42.9)).toBe("42 s");
    expect(formatDuration(185)).toBe("3 min 05 s");
    expect(formatDuration(7380)).toBe("2 h 03 min");
  });
});
