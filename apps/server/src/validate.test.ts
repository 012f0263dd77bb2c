import { clientFrameSchema, publishRequestSchema } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { validate } from "./validate.ts";

const nested = (depth: number) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`);

describe("validate", () => {
  it("returns zod's output, or the first issue with its path", () => {
    expect(validate(publishRequestSchema, { data: [1] })).toEqual({ ok: true, value: { data: [1] } });
    expect(validate(clientFrameSchema, { type: "ping", ref: [] })).toEqual({
      ok: false,
      message: expect.stringMatching(/^ref: /),
    });
    expect(validate(publishRequestSchema, null)).toEqual({ ok: false, message: expect.any(String) });
  });

  it("turns a stack overflow on deeply nested input into an issue", () => {
    expect(validate(publishRequestSchema, { data: nested(100) }).ok).toBe(true);
    expect(validate(publishRequestSchema, { data: nested(30_000) })).toEqual({
      ok: false,
      message: "JSON is nested too deeply",
    });
  });
});
