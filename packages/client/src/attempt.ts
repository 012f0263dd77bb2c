import {
  type AckFrame,
  type Decoded,
  decodePollAnswer,
  decodeServerFrame,
  decodeStreamEvent,
  type Envelope,
  type ErrorFrame,
  formatCursor,
  type PollResponse,
  type PongFrame,
  parseCursor,
  type ResetReason,
  type ServerFrame,
} from "@transport-lab/protocol";
import { isFatalStatus } from "./errors.ts";
import type { Link } from "./link.ts";
import type { HttpResult } from "./platform.ts";
import type { TransportDrop } from "./transport.ts";

/** A WebSocket frame that answers one of the client's own (its `ref` says which). */
export type ReplyFrame = AckFrame | PongFrame | ErrorFrame;

/** The request a poll answer belongs to, for the wire view. */
export interface PollRequest {
  readonly method: "GET";
  readonly path: string;
  /** Client wall clock when it was sent. */
  readonly sentAt: number;
}

const CONNECTING = 0;
const OPEN = 1;
const ENDED = 2;

/**
 * One connection attempt of one transport: the token its I/O callbacks report to. Once it ended
 * (its connection closed, the client moved on, a newer attempt began) every call is a no-op, so a
 * late callback of an old socket, stream or request cannot reach the client. It opens once (the
 * server's hello, or the first poll answer) and ends once: `end()` is the one close path.
 */
export class Attempt {
  #state: typeof CONNECTING | typeof OPEN | typeof ENDED = CONNECTING;

  constructor(readonly link: Link) {}

  /** False once the attempt ended or was superseded: whatever its callbacks bring is dropped. */
  get live(): boolean {
    return this.#state !== ENDED;
  }

  /** True once the server said where delivery starts. */
  get opened(): boolean {
    return this.#state === OPEN;
  }

  /** The server said delivery continues after `cursor`: the attempt is open (once). */
  hello(cursor: string): void {
    if (this.#state !== CONNECTING) return;
    this.#state = OPEN;
    this.link.recorder.connects += 1;
    this.link.events.emit("open", { cursor });
  }

  /** One envelope off the wire. */
  deliver(envelope: Envelope): void {
    if (this.#state === ENDED) return;
    this.link.recorder.received += 1;
    this.link.events.emit("message", envelope);
  }

  /** The cursor could not be honoured; delivery continues after `cursor`. */
  reset(reason: ResetReason, cursor: string): void {
    if (this.#state !== ENDED) this.link.events.emit("reset", { reason, cursor });
  }

  /** The connection ended without the client asking: emitted once; an HTTP refusal also counts as an error. */
  end(drop: TransportDrop): void {
    if (this.#state === ENDED) return;
    const opened = this.#state === OPEN;
    this.#state = ENDED;
    const { recorder, wire } = this.link;
    recorder.drops += 1;
    if (drop.reason === "http_error") recorder.metrics.recordError();
    if (wire.enabled)
      wire.emit(
        "in",
        "close",
        0,
        "computed",
        `${opened ? "closed" : "never opened"}: ${drop.reason} (${drop.detail})`,
      );
    this.link.events.emit("close", drop);
  }

  /** Something unexpected failed in the transport's own handling: an error, and a network drop. */
  fail(detail: string): void {
    if (this.#state === ENDED) return;
    this.link.recorder.metrics.recordError();
    this.end({ reason: "network", detail, fatal: false });
  }

  /** Ends the attempt without telling the client (it asked, or a newer attempt began). */
  cancel(): void {
    this.#state = ENDED;
  }

  /** A WebSocket text frame and its size on the wire; returns it when it answers one of the client's frames. */
  frame(text: string, wireBytes: number): ReplyFrame | undefined {
    if (this.#state === ENDED) return undefined;
    const frame = this.#received(decodeServerFrame(text), "frame", wireBytes);
    return frame?.type === "ack" || frame?.type === "pong" || frame?.type === "error" ? frame : undefined;
  }

  /** An SSE event (its `event:` name or `message`) and its size on the wire. */
  event(type: string, data: string, wireBytes: number): void {
    if (this.#state !== ENDED) this.#received(decodeStreamEvent(type, data), "event", wireBytes);
  }

  /** An SSE comment (`: ping`) or field-only block. */
  comment(wireBytes: number): void {
    if (this.#state === ENDED) return;
    this.link.recorder.framesIn += 1;
    if (this.link.wire.enabled) this.link.wire.emit("in", "event", wireBytes, "computed", "comment");
  }

  /**
   * A poll or long-poll answer: reported, decoded, and its reset, opening and messages passed on.
   * Returns it while the attempt stays live; ends the attempt on a refusal or an unreadable answer.
   */
  answer(request: PollRequest, result: HttpResult): PollResponse | undefined {
    if (this.#state === ENDED) return undefined;
    const { link } = this;
    if (result.status !== 200) {
      link.exchange(request.method, request.path, result, request.sentAt, `${result.status}`);
      this.end({
        reason: "http_error",
        detail: `HTTP ${result.status}`,
        status: result.status,
        fatal: isFatalStatus(result.status),
      });
      return undefined;
    }
    const decoded = decodePollAnswer(result.body);
    if (!decoded.ok) {
      link.exchange(request.method, request.path, result, request.sentAt, "unreadable");
      this.fail(`unreadable poll answer: ${decoded.error}`);
      return undefined;
    }
    const answer = decoded.value;
    const { messages } = answer;
    link.recorder.countAnswer(messages.length);
    if (link.wire.enabled) {
      const summary =
        messages.length === 0
          ? "empty"
          : `${messages.length} message${messages.length === 1 ? "" : "s"} #${messages[0]?.seq}–#${messages[messages.length - 1]?.seq}${answer.more === true ? ", more waiting" : ""}`;
      link.exchange(request.method, request.path, result, request.sentAt, summary);
    }
    const start = startCursor(answer);
    if (answer.reset !== undefined) this.reset(answer.reset.reason, start);
    this.hello(start);
    // Delivering may end the attempt (the client saw a gap, or switched away): stop there.
    for (let i = 0; i < messages.length && this.live; i++) this.deliver(messages[i] as Envelope);
    return this.live ? answer : undefined;
  }

  /** Counts one frame or event in, reports it and passes on what it carries; returns it when it was valid. */
  #received(
    decoded: Decoded<ServerFrame>,
    kind: "frame" | "event",
    wireBytes: number,
  ): ServerFrame | undefined {
    const { recorder, wire } = this.link;
    recorder.framesIn += 1;
    if (!decoded.ok) {
      // A type added by a newer server is skipped; anything else is not the protocol and counts as an error.
      if (!decoded.unknown) recorder.metrics.recordError();
      if (wire.enabled)
        wire.emit(
          "in",
          kind,
          wireBytes,
          "computed",
          decoded.unknown ? decoded.error : `unreadable: ${decoded.error}`,
        );
      return undefined;
    }
    const frame = decoded.value;
    if (wire.enabled) wire.emit("in", kind, wireBytes, "computed", summarize(frame));
    if (frame.type === "message") this.deliver(frame);
    else if (frame.type === "hello") this.hello(frame.cursor);
    else if (frame.type === "reset") this.reset(frame.reason, frame.cursor);
    else if (frame.type === "error") recorder.metrics.recordError();
    return frame;
  }
}

/** The wire view's line for a frame. */
function summarize(frame: ServerFrame): string {
  switch (frame.type) {
    case "message":
      return `message #${frame.seq}`;
    case "hello":
      return `hello cursor=${frame.cursor}`;
    case "reset":
      return `reset ${frame.reason} → ${frame.cursor}`;
    case "ack":
    case "pong":
      return `${frame.type} ref=${frame.ref}`;
    case "error":
      return `error ${frame.code}`;
    default: {
      const never: never = frame;
      return never;
    }
  }
}

/** Where an answer's delivery starts: just before its first message, or its cursor when it has none. */
function startCursor(answer: PollResponse): string {
  const first = answer.messages[0];
  if (first === undefined) return answer.cursor;
  const parsed = parseCursor(answer.cursor);
  return parsed?.kind === "at" ? formatCursor(parsed.epoch, first.seq - 1) : answer.cursor;
}
