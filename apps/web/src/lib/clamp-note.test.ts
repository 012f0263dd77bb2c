import { describe, expect, it } from "vitest";
import { clampTyped } from "./clamp-note.ts";

describe("clampTyped", () => {
  const rate = { min: 0, max: 5000 };
  it.each([
    ["-5", 0, "-5 is below 0: using 0"],
    ["10000", 5000, "10000 is above 5000: using 5000"],
    ["2.5", 3, "2.5 is not a whole number: using 3"],
    ["1e8", 5000, "1e8 is above 5000: using 5000"],
    [" 40 ", 40, null],
  ])("%s → %s (%s)", (text, value, note) => expect(clampTyped(text, rate)).toEqual({ value, note }));

  it("gives nothing for text that is not a number", () => {
    expect(clampTyped("fast", rate)).toBeNull();
    expect(clampTyped("", rate)).toBeNull();
  });
});
