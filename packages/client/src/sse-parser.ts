/** Receives one dispatched SSE event; `bytes` is its size on the wire (all its lines and terminators). */
export type SseEventHandler = (type: string, data: string, id: string, bytes: number) => void;

/** Receives a comment line (`: ping`), with its bytes including the terminator. */
export type SseCommentHandler = (text: string, bytes: number) => void;

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const EMPTY = new Uint8Array(0);

/**
 * Incremental `text/event-stream` parser (HTML Living Standard §9.2.6) working
 * on bytes: LF, CRLF and CR end lines (a CRLF split across chunks included),
 * `:` lines are comments, one leading space after the colon is dropped, `data`
 * lines join with `\n`, `id` persists across events (and is ignored when it
 * contains NUL), `retry` takes digits only, a leading BOM is skipped, and an
 * event left unterminated at end of stream is discarded. Splitting on bytes
 * is safe because CR and LF never occur inside a UTF-8 multi-byte sequence,
 * and it gives each event's exact wire size for free.
 */
export class SseParser {
  /** The last event ID buffer: what `Last-Event-ID` should carry on reconnect. */
  lastEventId = "";
  /** Reconnection time from the last valid `retry` field, if any. */
  retry: number | undefined;

  readonly #decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  #partial: Uint8Array | undefined;
  #crPending = false;
  #atStart = true;
  #type = "";
  #data = "";
  #hasData = false;
  #eventBytes = 0;

  constructor(
    readonly onEvent: SseEventHandler,
    readonly onComment?: SseCommentHandler,
  ) {}

  /** Feeds the next chunk of the response body. */
  push(chunk: Uint8Array): void {
    let start = 0;
    const length = chunk.length;
    if (this.#crPending && length > 0) {
      // A line ended with CR at the end of the last chunk: CRLF if this chunk starts with LF.
      this.#crPending = false;
      const crlf = chunk[0] === LF;
      const line = this.#partial ?? EMPTY;
      this.#partial = undefined;
      this.#line(line, crlf ? 2 : 1);
      if (crlf) start = 1;
    }
    for (let i = start; i < length; i++) {
      const byte = chunk[i];
      if (byte !== LF && byte !== CR) continue;
      let line = chunk.subarray(start, i);
      if (this.#partial !== undefined) {
        line = concat(this.#partial, line);
        this.#partial = undefined;
      }
      if (byte === CR && i + 1 === length) {
        // Keep the line until the next byte says whether this CR is half of a CRLF.
        this.#partial = line.slice();
        this.#crPending = true;
        return;
      }
      const terminator = byte === CR && chunk[i + 1] === LF ? 2 : 1;
      this.#line(line, terminator);
      i += terminator - 1;
      start = i + 1;
    }
    if (start < length) {
      const rest = chunk.subarray(start);
      // Copy: the caller may reuse its buffer.
      this.#partial = this.#partial === undefined ? rest.slice() : concat(this.#partial, rest);
    }
  }

  /** End of stream: a partial line or an event without its blank line is discarded, as the spec says. */
  end(): void {
    if (this.#crPending) {
      // The final CR did end a line (a blank one dispatches).
      this.#crPending = false;
      const line = this.#partial ?? EMPTY;
      this.#partial = undefined;
      this.#line(line, 1);
    }
    this.#partial = undefined;
    this.#resetEvent();
  }

  #line(line: Uint8Array, terminator: number): void {
    if (this.#atStart) {
      this.#atStart = false;
      if (line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) {
        this.#eventBytes += 3;
        line = line.subarray(3);
      }
    }
    const bytes = line.length + terminator;
    if (line.length === 0) {
      this.#dispatch(bytes);
      return;
    }
    if (line[0] === COLON) {
      const text = this.#decoder.decode(line.subarray(line.length > 1 && line[1] === SPACE ? 2 : 1));
      this.onComment?.(text, bytes);
      return;
    }
    this.#eventBytes += bytes;
    const colon = line.indexOf(COLON);
    let field: string;
    let value: string;
    if (colon === -1) {
      field = this.#decoder.decode(line);
      value = "";
    } else {
      field = this.#decoder.decode(line.subarray(0, colon));
      const from = colon + 1 < line.length && line[colon + 1] === SPACE ? colon + 2 : colon + 1;
      value = this.#decoder.decode(line.subarray(from));
    }
    switch (field) {
      case "data":
        this.#data = this.#hasData ? `${this.#data}\n${value}` : value;
        this.#hasData = true;
        break;
      case "event":
        this.#type = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default:
        // Unknown fields are ignored (§9.2.6).
        break;
    }
  }

  #dispatch(blankLineBytes: number): void {
    const bytes = this.#eventBytes + blankLineBytes;
    if (!this.#hasData) {
      // No data: nothing is dispatched, but the bytes were still on the wire.
      this.#resetEvent();
      if (bytes > blankLineBytes) this.onComment?.("", bytes);
      return;
    }
    const type = this.#type === "" ? "message" : this.#type;
    const data = this.#data;
    this.#resetEvent();
    this.onEvent(type, data, this.lastEventId, bytes);
  }

  #resetEvent(): void {
    this.#type = "";
    this.#data = "";
    this.#hasData = false;
    this.#eventBytes = 0;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
