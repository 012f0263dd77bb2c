import { describe, expect, it } from "vitest";
import { niceCeil } from "./nice-scale.ts";

describe("niceCeil", () => {
  it.each([
    [0.00014, 0.0002],
    [0.7, 1],
    [1, 1],
    [1.2, 2],
    [3, 5],
    [640, 1000],
    [2049, 5000],
    [0, 1],
  ])("%s → %s", (x, end) => expect(niceCeil(x)).toBeCloseTo(end, 10));
});
