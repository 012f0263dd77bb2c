import { describe, expect, it } from "vitest";
import { CHANNEL_NAME_PATTERN, DEFAULT_CHANNEL, isValidChannelName } from "./channel.ts";
import { envelopeSchema } from "./envelope.ts";
import { clientFrameSchema, pingFrameSchema, publishFrameSchema } from "./frames.ts";
import { GENERATOR_LIMITS, generatorRequestSchema, LONG_POLL_TIMEOUT, publishRequestSchema } from "./http.ts";
import { CLOSE_CODES, WS_READY_STATE } from "./websocket.ts";

describe("clientFrameSchema", () => {
  it("accepts publish (any JSON data, optional string/number ref) and ping", () => {
    for (const frame of [
      { type: "publish", data: { a: [1, "x", null, true] } },
      { type: "publish", data: null, ref: "r1" },
      { type: "publish", data: 0, ref: 7 },
      { type: "publish", data: "s", ref: "r".repeat(128) },
      { type: "ping" },
      { type: "ping", ref: 1.5 },
    ]) {
      expect(clientFrameSchema.safeParse(frame).success, JSON.stringify(frame)).toBe(true);
    }
    expect(clientFrameSchema.parse({ type: "ping", ref: "x" })).toEqual({ type: "ping", ref: "x" });
  });

  it("rejects unknown types, missing data, bad refs and non-objects", () => {
    for (const frame of [
      null,
      [],
      "ping",
      {},
      { type: "nope" },
      { type: "PUBLISH", data: 1 },
      { type: "publish" },
      { type: "publish", data: undefined },
      { type: "publish", data: Number.POSITIVE_INFINITY },
      { type: "publish", data: Number.NaN },
      { type: "publish", data: 1, ref: { x: 1 } },
      { type: "publish", data: 1, ref: null },
      { type: "ping", ref: "r".repeat(129) },
      { type: "ping", ref: Number.POSITIVE_INFINITY },
      { type: "ping", ref: [] },
    ]) {
      expect(clientFrameSchema.safeParse(frame).success, JSON.stringify(frame)).toBe(false);
    }
    expect(publishFrameSchema.safeParse({ type: "ping" }).success).toBe(false);
    expect(pingFrameSchema.safeParse({ type: "publish", data: 1 }).success).toBe(false);
  });
});

describe("HTTP request schemas", () => {
  it("publish needs `data` (null allowed)", () => {
    expect(publishRequestSchema.safeParse({ data: null }).success).toBe(true);
    expect(publishRequestSchema.safeParse({ data: { deep: [1, { x: "y" }] } }).success).toBe(true);
    expect(publishRequestSchema.safeParse({}).success).toBe(false);
    expect(publishRequestSchema.safeParse([]).success).toBe(false);
    expect(publishRequestSchema.safeParse(null).success).toBe(false);
  });

  it("generator: rate 0–5000, payloadBytes integer 0–65536 defaulting to 64", () => {
    expect(generatorRequestSchema.parse({ rate: 10 })).toEqual({ rate: 10, payloadBytes: 64 });
    expect(generatorRequestSchema.parse({ rate: 0.5, payloadBytes: 0 })).toEqual({
      rate: 0.5,
      payloadBytes: 0,
    });
    expect(
      generatorRequestSchema.parse({
        rate: GENERATOR_LIMITS.maxRate,
        payloadBytes: GENERATOR_LIMITS.maxPayloadBytes,
      }),
    ).toEqual({ rate: 5000, payloadBytes: 65536 });
    for (const body of [
      {},
      { rate: -1 },
      { rate: 5001 },
      { rate: "1" },
      { rate: 1, payloadBytes: -1 },
      { rate: 1, payloadBytes: 65537 },
      { rate: 1, payloadBytes: 2.5 },
    ]) {
      expect(generatorRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it("long-poll timeout bounds are 1–60000 ms, default 25000", () => {
    expect(LONG_POLL_TIMEOUT).toEqual({ default: 25000, min: 1, max: 60000 });
  });
});

describe("envelopeSchema", () => {
  it("accepts what the server sends and rejects malformed envelopes", () => {
    expect(
      envelopeSchema.safeParse({ channel: "chat", seq: 1, time: 1764112345678.3, data: null }).success,
    ).toBe(true);
    for (const bad of [
      { channel: "chat", seq: 0, time: 1, data: 1 },
      { channel: "chat", seq: 1.5, time: 1, data: 1 },
      { channel: "chat", seq: 1, data: 1 },
      { channel: 1, seq: 1, time: 1, data: 1 },
      { channel: "chat", seq: 1, time: 1 },
    ]) {
      expect(envelopeSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("channel names", () => {
  it("match ^[a-z0-9][a-z0-9-]{0,63}$", () => {
    expect(CHANNEL_NAME_PATTERN.source).toBe("^[a-z0-9][a-z0-9-]{0,63}$");
    expect(isValidChannelName(DEFAULT_CHANNEL)).toBe(true);
    for (const ok of ["a", "0", "chat-2", `a${"-".repeat(63)}`, "x".repeat(64)]) {
      expect(isValidChannelName(ok), ok).toBe(true);
    }
    for (const bad of ["", "-a", "A", "a_b", "a.b", "a b", "é", "x".repeat(65), "chat\n"]) {
      expect(isValidChannelName(bad), bad).toBe(false);
    }
  });
});

describe("CLOSE_CODES", () => {
  it("are the codes docs/protocol.md §4 lists, with RFC 6455's numbers", () => {
    expect(CLOSE_CODES).toEqual({
      normal: 1000,
      goingAway: 1001,
      noStatus: 1005,
      abnormal: 1006,
      messageTooBig: 1009,
      serviceRestart: 1012,
      tryAgainLater: 1013,
      resync: 4000,
    });
  });

  it("readyState values are the WHATWG WebSocket's", () => {
    expect(WS_READY_STATE).toEqual({ connecting: 0, open: 1, closing: 2, closed: 3 });
  });
});
