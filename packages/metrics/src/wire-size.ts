// Wire bytes computed from the protocols, for where the platform exposes no counter (a browser's
// WebSocket and EventSource, a fetch body still streaming). These assume no compression: with
// permessage-deflate or Content-Encoding on, they give the uncompressed size.

/** Header values as objects, `Headers`, a `Map` or `[name, value]` pairs; array values repeat the line. */
export type HeaderList =
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | Iterable<readonly [string, string]>;

/** An SSE event's fields; `undefined` fields are not sent. */
export interface SseEventFields {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
  readonly retry?: number;
}

/** UTF-8 byte length of a string; lone surrogates count 3 bytes, as TextEncoder writes them as U+FFFD. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * RFC 6455 §5.2 frame header: 2 bytes, +2 for an extended 16-bit length (126–65535), +8 for a 64-bit
 * length (> 65535), +4 for the masking key that every client → server frame carries (§5.3).
 */
export function wsFrameHeaderBytes(payloadLength: number, masked: boolean): number {
  const extended = payloadLength > 0xffff ? 8 : payloadLength >= 126 ? 2 : 0;
  return 2 + extended + (masked ? 4 : 0);
}

/** A whole unfragmented RFC 6455 frame: header plus payload (`masked` for client → server). */
export function wsFrameBytes(payloadLength: number, masked: boolean): number {
  return wsFrameHeaderBytes(payloadLength, masked) + payloadLength;
}

/**
 * An SSE event as the HTML spec's `text/event-stream` frames it: one `name: value\n` line per field,
 * one `data: ` line per line of `data` (split on `\n`, as Hono's writeSSE does), then a blank line.
 */
export function sseEventBytes(fields: SseEventFields): number {
  let bytes = 1; // the blank line that dispatches the event
  if (fields.id !== undefined) bytes += 5 + utf8Length(fields.id); // "id: " + value + "\n"
  if (fields.event !== undefined) bytes += 8 + utf8Length(fields.event); // "event: " + value + "\n"
  if (fields.retry !== undefined) bytes += 8 + String(fields.retry).length; // "retry: " + value + "\n"
  let lines = 1;
  for (let i = fields.data.indexOf("\n"); i !== -1; i = fields.data.indexOf("\n", i + 1)) lines++;
  // Each line gains "data: " and a "\n"; the splitting "\n"s themselves are replaced, not added.
  return bytes + utf8Length(fields.data) + lines * 7 - (lines - 1);
}

/** An SSE comment line (`: ping\n\n` style keep-alive): ": " + text + "\n\n". */
export function sseCommentBytes(text: string): number {
  return 4 + utf8Length(text);
}

/** HTTP/1.1 request head (RFC 9112 §3): `METHOD path HTTP/1.1\r\n`, header lines, `\r\n`. */
export function httpRequestHeadBytes(method: string, path: string, headers: HeaderList): number {
  return method.length + 1 + path.length + 11 + headerBytes(headers) + 2;
}

/** HTTP/1.1 response head (RFC 9112 §4): `HTTP/1.1 status text\r\n`, header lines, `\r\n`. */
export function httpResponseHeadBytes(status: number, statusText: string, headers: HeaderList): number {
  return 9 + String(status).length + 1 + statusText.length + 2 + headerBytes(headers) + 2;
}

/**
 * Framing around one chunk of `Transfer-Encoding: chunked` (RFC 9112 §7.1): hex size + CRLF before
 * the data, CRLF after. `chunkedEncodingOverhead(0)` = 5 is the final `0\r\n\r\n` (no trailers).
 */
export function chunkedEncodingOverhead(chunkSize: number): number {
  return chunkSize.toString(16).length + 4;
}

/** `name: value\r\n` per header line. Header text is counted 1 byte per char: Node writes it as latin1. */
function headerBytes(headers: HeaderList): number {
  let bytes = 0;
  if (isIterable(headers)) {
    for (const [name, value] of headers) bytes += name.length + value.length + 4;
    return bytes;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (typeof value === "object") {
      for (const v of value) bytes += name.length + v.length + 4;
    } else bytes += name.length + String(value).length + 4;
  }
  return bytes;
}

function isIterable(headers: HeaderList): headers is Iterable<readonly [string, string]> {
  return typeof (headers as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
}
