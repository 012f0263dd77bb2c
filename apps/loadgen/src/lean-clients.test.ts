import { describe, expect, it } from "vitest";
import { numberAfter } from "./lean-clients.ts";

describe("numberAfter", () => {
  const frame =
    '{"type":"message","channel":"bench","seq":42,"time":1764112345678.312,"data":{"tick":7,"pad":"xx"}}';

  it("reads integers and fractional numbers after a key", () => {
    expect(numberAfter(frame, '"seq":')).toBe(42);
    expect(numberAfter(frame, '"time":')).toBe(1764112345678.312);
    expect(numberAfter(frame, '"tick":')).toBe(7);
  });

  it("starts searching at `from`, so one poll body with many envelopes reads each in turn", () => {
    const body =
      '{"cursor":"e:2","messages":[{"channel":"c","seq":1,"time":5},{"channel":"c","seq":2,"time":6}]}';
    const second = body.indexOf('{"channel"', body.indexOf('{"channel"') + 1);
    expect(numberAfter(body, '"seq":', second)).toBe(2);
    expect(numberAfter(body, '"time":', second)).toBe(6);
  });

  it("is NaN when the key is absent", () => {
    expect(numberAfter(frame, '"nope":')).toBeNaN();
  });
});
