import { parseCursor } from "./cursor.ts";
import type { Envelope } from "./envelope.ts";
import type { ErrorBody, ErrorCode } from "./errors.ts";
import type {
  ErrorFrame,
  HelloFrame,
  MessageFrame,
  Ref,
  ResetFrame,
  ResetReason,
  ServerFrame,
} from "./frames.ts";
import type { SocketIoAck } from "./guest-endpoints.ts";
import type { PollResponse, PublishResponse } from "./http.ts";

/**
 * The result of decoding something a server sent. `unknown` marks a well-formed frame or event of
 * a type this version does not know: a newer server may add types, so a client skips those
 * instead of counting them as errors.
 */
export type Decoded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string; readonly unknown: boolean };

/** What an SSE stream carries, in the shape of the matching WebSocket frames. */
export type StreamFrame = HelloFrame | MessageFrame | ResetFrame;

type Fields = Record<string, unknown>;

const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
const invalid = (error: string): Decoded<never> => ({ ok: false, error, unknown: false });

function parseObject(text: string): Fields | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Fields)
    : "not a JSON object";
}

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isCursor = (v: unknown): v is string => typeof v === "string" && parseCursor(v)?.kind === "at";
const isReason = (v: unknown): v is ResetReason => v === "epoch" || v === "expired";
const isRef = (v: unknown): v is Ref =>
  typeof v === "string" || (typeof v === "number" && Number.isFinite(v));

/** The envelope fields of `o`, or why they are not valid. `data` may be any JSON value, null included. */
function envelopeOf(o: Fields): Envelope | string {
  if (typeof o.channel !== "string") return "envelope without a string channel";
  if (!isSeq(o.seq) || o.seq < 1) return "envelope seq is not a whole number ≥ 1";
  if (!isTime(o.time)) return "envelope time is not a finite number";
  if (!("data" in o)) return "envelope without data";
  return o as unknown as Envelope;
}

function helloOf(o: Fields): Decoded<HelloFrame> {
  if (typeof o.channel !== "string" || typeof o.epoch !== "string")
    return invalid("hello without channel/epoch");
  if (!isSeq(o.seq) || !isCursor(o.cursor) || !isTime(o.time))
    return invalid("hello with a bad seq, cursor or time");
  return ok({
    type: "hello",
    channel: o.channel,
    epoch: o.epoch,
    seq: o.seq,
    cursor: o.cursor,
    time: o.time,
  });
}

function resetOf(o: Fields): Decoded<ResetFrame> {
  if (!isReason(o.reason) || !isCursor(o.cursor)) return invalid("reset with a bad reason or cursor");
  return ok({ type: "reset", reason: o.reason, cursor: o.cursor });
}

/** One WebSocket text frame from the server (docs/protocol.md §4). */
export function decodeServerFrame(text: string): Decoded<ServerFrame> {
  const o = parseObject(text);
  if (typeof o === "string") return invalid(o);
  const ref = o.ref ?? null;
  switch (o.type) {
    case "message": {
      const envelope = envelopeOf(o);
      return typeof envelope === "string" ? invalid(envelope) : ok(envelope as MessageFrame);
    }
    case "hello":
      return helloOf(o);
    case "reset":
      return resetOf(o);
    case "ack":
      if (!(ref === null || isRef(ref)) || !isSeq(o.seq) || o.seq < 1 || !isCursor(o.cursor))
        return invalid("ack with a bad ref, seq or cursor");
      return ok({ type: "ack", ref, seq: o.seq, cursor: o.cursor });
    case "pong":
      if (!(ref === null || isRef(ref)) || !isTime(o.time)) return invalid("pong with a bad ref or time");
      return ok({ type: "pong", ref, time: o.time });
    case "error": {
      if (typeof o.code !== "string" || typeof o.message !== "string")
        return invalid("error frame without code/message");
      // Codes are not checked against ERROR_CODES: a newer server may answer with one added since.
      const frame: ErrorFrame = { type: "error", code: o.code as ErrorCode, message: o.message };
      return ok(isRef(o.ref) ? { ...frame, ref: o.ref } : frame);
    }
    default:
      return typeof o.type === "string"
        ? { ok: false, error: `frame of unknown type ${JSON.stringify(o.type)}`, unknown: true }
        : invalid("frame without a type");
  }
}

/** One dispatched SSE event: its `event:` name (`message` when absent) and its data (docs/protocol.md §5). */
export function decodeStreamEvent(event: string, data: string): Decoded<StreamFrame> {
  if (event !== "message" && event !== "hello" && event !== "reset") {
    return { ok: false, error: `event of unknown type ${JSON.stringify(event)}`, unknown: true };
  }
  const o = parseObject(data);
  return typeof o === "string" ? invalid(o) : streamFrameOf(event, o);
}

/**
 * One Socket.IO event from the lab's endpoint (docs/protocol.md §19): its name and its first
 * argument, already parsed by Socket.IO. `hello`, `reset` and `message` carry what the SSE events
 * of the same names carry.
 */
export function decodeSocketIoEvent(event: string, payload: unknown): Decoded<StreamFrame> {
  if (event !== "message" && event !== "hello" && event !== "reset") {
    return { ok: false, error: `event of unknown type ${JSON.stringify(event)}`, unknown: true };
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return invalid(`${event} event without an object`);
  }
  return streamFrameOf(event, payload as Fields);
}

/** The ack of a Socket.IO `message` or `publish` event: the seq and cursor, or an error. */
export function decodeSocketIoAck(payload: unknown): Decoded<SocketIoAck> {
  const o = (typeof payload === "object" && payload !== null ? payload : {}) as Fields;
  const error = o.error as Fields | null | undefined;
  if (typeof error?.code === "string" && typeof error.message === "string") {
    return ok({ error: { code: error.code as ErrorCode, message: error.message } });
  }
  if (!isSeq(o.seq) || o.seq < 1 || !isCursor(o.cursor)) return invalid("ack without seq and cursor");
  return ok({ seq: o.seq, cursor: o.cursor });
}

function streamFrameOf(event: "message" | "hello" | "reset", o: Fields): Decoded<StreamFrame> {
  if (event === "hello") return helloOf(o);
  if (event === "reset") return resetOf(o);
  const envelope = envelopeOf(o);
  if (typeof envelope === "string") return invalid(envelope);
  return ok({
    type: "message",
    channel: envelope.channel,
    seq: envelope.seq,
    time: envelope.time,
    data: envelope.data,
  });
}

/** The answer of `poll` and `long-poll` (docs/protocol.md §6–7); every envelope in it is checked. */
export function decodePollAnswer(text: string): Decoded<PollResponse> {
  const o = parseObject(text);
  if (typeof o === "string") return invalid(o);
  if (!isCursor(o.cursor)) return invalid("poll answer without a cursor");
  if (!Array.isArray(o.messages)) return invalid("poll answer without a messages array");
  for (const item of o.messages as unknown[]) {
    if (typeof item !== "object" || item === null)
      return invalid("poll answer with a message that is not an object");
    const envelope = envelopeOf(item as Fields);
    if (typeof envelope === "string") return invalid(envelope);
  }
  const answer: { cursor: string; messages: Envelope[]; reset?: { reason: ResetReason }; more?: true } = {
    cursor: o.cursor,
    messages: o.messages as Envelope[],
  };
  if (o.reset !== undefined) {
    const reason = (o.reset as Fields | null)?.reason;
    if (!isReason(reason)) return invalid("poll answer with a bad reset");
    answer.reset = { reason };
  }
  if (o.more === true) answer.more = true;
  return ok(answer);
}

/** The `201` answer to `POST …/messages`. */
export function decodePublishAnswer(text: string): Decoded<PublishResponse> {
  const o = parseObject(text);
  if (typeof o === "string") return invalid(o);
  if (!isSeq(o.seq) || o.seq < 1 || !isCursor(o.cursor) || !isTime(o.time))
    return invalid("publish answer without seq, cursor and time");
  return ok({ seq: o.seq, cursor: o.cursor, time: o.time });
}

/** The body of an HTTP error answer: `{"error":{"code","message"}}`. */
export function decodeErrorBody(text: string): Decoded<ErrorBody> {
  const o = parseObject(text);
  if (typeof o === "string") return invalid(o);
  const error = o.error as Fields | null | undefined;
  if (typeof error?.code !== "string" || typeof error.message !== "string")
    return invalid("no error code/message");
  return ok({ error: { code: error.code as ErrorCode, message: error.message } });
}

/** The answer of `GET /api/time`: the server's wall clock in ms. */
export function decodeTimeAnswer(text: string): Decoded<number> {
  const o = parseObject(text);
  if (typeof o === "string") return invalid(o);
  return isTime(o.time) ? ok(o.time) : invalid("time answer without a finite time");
}
