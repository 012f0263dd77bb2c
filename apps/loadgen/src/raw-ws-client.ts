import { randomBytes } from "node:crypto";
import net from "node:net";

/** What a {@link openRawWs} connection hands its owner. */
export interface RawWsHandlers {
  /** The server answered 101: the connection is open. */
  onOpen(): void;
  /** One text frame: its payload is `frame[start..end)` (valid only during the call). */
  onText(frame: Buffer, start: number, end: number): void;
  /** Bytes of each frame received, header included. */
  onBytes(n: number): void;
  /** The handshake was refused, the socket failed, or the server sent what this client does not read. */
  onFail(err: Error): void;
}

/** An open {@link openRawWs} connection. */
export interface RawWs {
  /** Sends a short text frame (under 126 bytes: an Engine.IO packet), masked as a client must. */
  sendText(text: string): void;
  /** Drops the connection without a close handshake. */
  destroy(): void;
}

/** The handshake's answer is read up to this size; a longer head is refused. */
const MAX_HEAD_BYTES = 8192;
/** A frame longer than this fails the connection (the benchmarks' frames are at most ~64 KiB). */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

const OP = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** A masked client frame (RFC 6455 §5.2) with a payload under 126 bytes. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length >= 126) throw new Error("the lean client sends only frames under 126 bytes");
  const frame = Buffer.allocUnsafe(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length;
  randomBytes(4).copy(frame, 2);
  for (let i = 0; i < payload.length; i++) {
    frame[6 + i] = (payload[i] as number) ^ (frame[2 + (i & 3)] as number);
  }
  return frame;
}

/**
 * A WebSocket client for the load generator that reads the server's frames straight off the TCP
 * socket: no stream per connection to parse them, no Buffer per message, no events. A `ws`
 * client costs about as much per delivery as the server it measures, and 1,000 of them share the
 * machine's two cores with it. It reads what the benchmarked servers send (unfragmented text
 * frames, pings, a close) and fails on anything else, answers every ping, and never compresses.
 */
export function openRawWs(
  url: string,
  localAddress: string,
  h: RawWsHandlers,
  connectTimeoutMs = 30_000,
): RawWs {
  const target = new URL(url);
  const socket = net.connect({
    host: target.hostname,
    port: Number(target.port || 80),
    localAddress,
  });
  socket.setNoDelay(true);
  let head: Buffer | undefined = Buffer.alloc(0);
  let pending: Buffer | undefined;
  let failed = false;
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    socket.destroy();
    h.onFail(err);
  };
  const timer = setTimeout(
    () => fail(new Error(`no WebSocket handshake within ${connectTimeoutMs} ms`)),
    connectTimeoutMs,
  );
  socket.on("connect", () => {
    socket.write(
      `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
  socket.on("error", fail);
  socket.on("close", () => {
    clearTimeout(timer);
    if (head !== undefined) fail(new Error("connection closed before the WebSocket handshake"));
  });

  /** Reads every complete frame in `buf`; returns the bytes of an incomplete last one, if any. */
  const frames = (buf: Buffer): Buffer | undefined => {
    let at = 0;
    while (buf.length - at >= 2) {
      const b0 = buf[at] as number;
      const b1 = buf[at + 1] as number;
      let length = b1 & 0x7f;
      let headerBytes = 2;
      if (length === 126) {
        if (buf.length - at < 4) break;
        length = buf.readUInt16BE(at + 2);
        headerBytes = 4;
      } else if (length === 127) {
        if (buf.length - at < 10) break;
        if (buf.readUInt32BE(at + 2) !== 0) return void fail(new Error("frame over 4 GiB"));
        length = buf.readUInt32BE(at + 6);
        headerBytes = 10;
      }
      if ((b1 & 0x80) !== 0 || (b0 & 0x80) === 0 || length > MAX_FRAME_BYTES) {
        return void fail(new Error("a masked, fragmented or oversized frame from the server"));
      }
      const end = at + headerBytes + length;
      if (end > buf.length) break;
      h.onBytes(headerBytes + length);
      const opcode = b0 & 0x0f;
      if (opcode === OP.text) h.onText(buf, at + headerBytes, end);
      else if (opcode === OP.ping) socket.write(clientFrame(OP.pong, buf.subarray(at + headerBytes, end)));
      else if (opcode === OP.close) return void socket.destroy();
      else if (opcode !== OP.binary && opcode !== OP.pong) return void fail(new Error(`opcode ${opcode}`));
      at = end;
    }
    return at < buf.length ? Buffer.from(buf.subarray(at)) : undefined;
  };

  socket.on("data", (chunk: Buffer) => {
    if (head !== undefined) {
      head = Buffer.concat([head, chunk]);
      const endOfHead = head.indexOf("\r\n\r\n");
      if (endOfHead < 0) {
        if (head.length > MAX_HEAD_BYTES) fail(new Error("handshake answer head too long"));
        return;
      }
      const status = head.toString("latin1", 0, head.indexOf("\r\n"));
      if (!status.startsWith("HTTP/1.1 101")) return fail(new Error(`handshake answered ${status}`));
      clearTimeout(timer);
      const rest = head.subarray(endOfHead + 4);
      head = undefined;
      h.onOpen();
      pending = rest.length > 0 ? frames(rest) : undefined;
      return;
    }
    pending = frames(pending === undefined ? chunk : Buffer.concat([pending, chunk]));
  });

  return {
    sendText: (text) => socket.write(clientFrame(OP.text, Buffer.from(text))),
    destroy: () => {
      clearTimeout(timer);
      socket.destroy();
    },
  };
}
