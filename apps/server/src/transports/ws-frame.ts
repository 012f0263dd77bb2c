import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { writeCoalesced } from "./raw-write.ts";

/**
 * A complete server → client WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, no mask, no
 * extension bits) in one Buffer: the 2-, 4- or 10-byte header, then the UTF-8 payload. Built once
 * per message and written as it is to every socket that gets it.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  frame.write(text, header);
  return frame;
}

/** Bytes of the header of a frame made by {@link textFrame}. */
export function frameHeaderBytes(frame: Buffer): number {
  const len = (frame[1] as number) & 0x7f;
  return len < 126 ? 2 : len === 126 ? 4 : 10;
}

/** The parts of a `ws` socket that writing a frame past it touches (not in its public types). */
type WsInternals = {
  _socket?: Duplex | null;
  _sender?: { _state?: number; _queue?: unknown[] } | null;
};

/**
 * True when `ws` can take a pre-encoded frame written straight to its TCP socket: its sender is
 * idle (no compression or Blob read in progress holding earlier frames back; with
 * `perMessageDeflate` off it always is), so the frame cannot overtake one `ws` is still
 * preparing. Data frames are never fragmented here, so none can land inside another message.
 */
export function canWriteRaw(ws: WebSocket): boolean {
  const { _socket: socket, _sender: sender } = ws as unknown as WsInternals;
  return (
    socket !== undefined && socket !== null && sender?._state === 0 && (sender._queue?.length ?? 0) === 0
  );
}

/**
 * Sends a frame made by {@link textFrame} on an open socket: straight to its TCP socket,
 * coalesced with the tick's other writes to it, or through `ws.send()` when {@link canWriteRaw}
 * says no. Returns the payload bytes (what `bytesOut` counts).
 */
export function sendFrame(ws: WebSocket, frame: Buffer): number {
  const header = frameHeaderBytes(frame);
  if (canWriteRaw(ws)) writeCoalesced((ws as unknown as { _socket: Duplex })._socket, frame);
  else ws.send(frame.subarray(header), { binary: false });
  return frame.length - header;
}
