import { describe, expect, it } from "vitest";
import {
  decodeErrorBody,
  decodePollAnswer,
  decodePublishAnswer,
  decodeServerFrame,
  decodeSocketIoAck,
  decodeSocketIoEvent,
  decodeStreamEvent,
  decodeTimeAnswer,
} from "./decode.ts";

const envelope = { channel: "chat", seq: 3, time: 1795657474377.25, data: { text: "hi" } };
const hello = { type: "hello", channel: "chat", epoch: "e1", seq: 7, cursor: "e1:2", time: 17 };

describe("decodeServerFrame", () => {
  it("accepts every frame type docs/protocol.md §4 lists", () => {
    const frames = [
      hello,
      { type: "message", ...envelope },
      { type: "message", ...envelope, data: null },
      { type: "reset", reason: "expired", cursor: "e1:20" },
      { type: "ack", ref: 1, seq: 4, cursor: "e1:4" },
      { type: "ack", ref: null, seq: 4, cursor: "e1:4" },
      { type: "pong", ref: "p", time: 12.5 },
      { type: "error", code: "rate_limited", message: "slow down", ref: 2 },
      { type: "error", code: "bad_frame", message: "frames must be JSON text" },
    ];
    for (const frame of frames)
      expect(decodeServerFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
  });

  it("a missing ref is null in ack and pong", () => {
    expect(decodeServerFrame('{"type":"pong","time":1}')).toEqual({
      ok: true,
      value: { type: "pong", ref: null, time: 1 },
    });
  });

  it("refuses what is not the protocol, and says why", () => {
    for (const text of [
      "not json",
      "[1]",
      "null",
      '{"seq":1}',
      JSON.stringify({ type: "message", ...envelope, seq: 0 }),
      JSON.stringify({ type: "message", ...envelope, seq: 1.5 }),
      JSON.stringify({ type: "message", channel: "chat", seq: 1, time: 1 }),
      JSON.stringify({ type: "message", ...envelope, time: "now" }),
      JSON.stringify({ ...hello, cursor: "earliest" }),
      JSON.stringify({ type: "reset", reason: "lost", cursor: "e:1" }),
      JSON.stringify({ type: "ack", ref: 1, seq: 4 }),
      JSON.stringify({ type: "pong", ref: {}, time: 1 }),
      JSON.stringify({ type: "error", code: 5, message: "x" }),
    ]) {
      const decoded = decodeServerFrame(text);
      expect(decoded.ok, text).toBe(false);
      if (!decoded.ok) {
        expect(decoded.unknown, text).toBe(false);
        expect(decoded.error.length, text).toBeGreaterThan(0);
      }
    }
  });

  it("marks a well-formed frame of a type it does not know as unknown, to be skipped", () => {
    expect(decodeServerFrame('{"type":"presence","count":3}')).toEqual({
      ok: false,
      error: 'frame of unknown type "presence"',
      unknown: true,
    });
  });
});

describe("decodeStreamEvent", () => {
  it("turns SSE events into the matching WebSocket frames", () => {
    expect(decodeStreamEvent("message", JSON.stringify(envelope))).toEqual({
      ok: true,
      value: { type: "message", ...envelope },
    });
    expect(decodeStreamEvent("hello", JSON.stringify(hello))).toEqual({ ok: true, value: hello });
    expect(decodeStreamEvent("reset", '{"reason":"epoch","cursor":"e2:0"}')).toEqual({
      ok: true,
      value: { type: "reset", reason: "epoch", cursor: "e2:0" },
    });
  });

  it("refuses bad data and marks unknown event names", () => {
    expect(decodeStreamEvent("message", "{").ok).toBe(false);
    expect(decodeStreamEvent("message", '{"channel":"c","seq":-1,"time":0,"data":1}').ok).toBe(false);
    expect(decodeStreamEvent("reset", '{"reason":"epoch"}').ok).toBe(false);
    expect(decodeStreamEvent("stats", "{}")).toMatchObject({ ok: false, unknown: true });
  });
});

describe("decodePollAnswer", () => {
  it("accepts answers with and without messages, reset and more", () => {
    const answers = [
      { cursor: "e:0", messages: [] },
      { cursor: "e:3", messages: [envelope] },
      { cursor: "e:20", messages: [], reset: { reason: "expired" } },
      { cursor: "e:3", messages: [envelope], more: true },
    ];
    for (const answer of answers)
      expect(decodePollAnswer(JSON.stringify(answer))).toEqual({ ok: true, value: answer });
  });

  it("checks every envelope, the cursor and the reset", () => {
    for (const answer of [
      { messages: [] },
      { cursor: "e:1", messages: {} },
      { cursor: "e:1", messages: [envelope, { ...envelope, seq: "4" }] },
      { cursor: "e:1", messages: [null] },
      { cursor: "e:1", messages: [], reset: { reason: "other" } },
      { cursor: "e:1", messages: [], reset: null },
    ]) {
      expect(decodePollAnswer(JSON.stringify(answer)).ok, JSON.stringify(answer)).toBe(false);
    }
  });

  it("keeps `more` only when it is true", () => {
    expect(decodePollAnswer('{"cursor":"e:1","messages":[],"more":false}')).toEqual({
      ok: true,
      value: { cursor: "e:1", messages: [] },
    });
  });
});

describe("the HTTP answers", () => {
  it("publish: seq, cursor and time", () => {
    expect(decodePublishAnswer('{"seq":4,"cursor":"e:4","time":5}')).toEqual({
      ok: true,
      value: { seq: 4, cursor: "e:4", time: 5 },
    });
    expect(decodePublishAnswer('{"seq":4,"cursor":"e:4"}').ok).toBe(false);
  });

  it("errors: code and message", () => {
    expect(decodeErrorBody('{"error":{"code":"bad_cursor","message":"m"}}')).toEqual({
      ok: true,
      value: { error: { code: "bad_cursor", message: "m" } },
    });
    expect(decodeErrorBody("<html>").ok).toBe(false);
    expect(decodeErrorBody('{"error":"x"}').ok).toBe(false);
  });

  it("time: a finite number", () => {
    expect(decodeTimeAnswer('{"time":1795657474377.25}')).toEqual({ ok: true, value: 1795657474377.25 });
    expect(decodeTimeAnswer('{"time":"noon"}').ok).toBe(false);
  });
});

describe("the Socket.IO events", () => {
  it("hello, reset and message carry what the SSE events of the same names carry, already parsed", () => {
    const { type: _type, ...helloFields } = hello;
    expect(decodeSocketIoEvent("hello", helloFields)).toEqual({ ok: true, value: hello });
    expect(decodeSocketIoEvent("reset", { reason: "expired", cursor: "e1:4" })).toEqual({
      ok: true,
      value: { type: "reset", reason: "expired", cursor: "e1:4" },
    });
    expect(decodeSocketIoEvent("message", envelope)).toEqual({
      ok: true,
      value: { type: "message", ...envelope },
    });
    expect(decodeSocketIoEvent("message", "text")).toMatchObject({ ok: false, unknown: false });
    expect(decodeSocketIoEvent("message", { ...envelope, seq: 0 })).toMatchObject({
      ok: false,
      unknown: false,
    });
    expect(decodeSocketIoEvent("news", {})).toMatchObject({ ok: false, unknown: true });
  });

  it("acks: the seq and cursor, or the error", () => {
    expect(decodeSocketIoAck({ seq: 2, cursor: "e:2" })).toEqual({
      ok: true,
      value: { seq: 2, cursor: "e:2" },
    });
    expect(decodeSocketIoAck({ error: { code: "payload_too_large", message: "m" } })).toEqual({
      ok: true,
      value: { error: { code: "payload_too_large", message: "m" } },
    });
    expect(decodeSocketIoAck({ seq: 2 }).ok).toBe(false);
    expect(decodeSocketIoAck(undefined).ok).toBe(false);
  });
});
