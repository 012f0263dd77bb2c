import net from "node:net";
import { Inbox } from "./clients.ts";

/** One answer read off a raw socket, with the exact bytes that went each way. */
export interface RawAnswer {
  status: number;
  head: string;
  body: Buffer;
  /** Bytes of the request as written. */
  bytesOut: number;
  /** Bytes of the answer, head included. */
  bytesIn: number;
  /** From the write (or, for the first request of {@link RawHttp.open}, from the connect) to the last byte. */
  ms: number;
  /** From the write (or connect) to the answer's first byte. */
  firstByteMs: number;
}

/**
 * An HTTP/1.1 client on a bare TCP socket: what it sends and receives is exactly what crossed the
 * wire, byte for byte, and every chunk is time-stamped as it arrives. One request at a time.
 */
export class RawHttp {
  readonly chunks = new Inbox<{ at: number; data: Buffer }>();
  #buffer = Buffer.alloc(0);
  /** Arrival of the first and the latest chunk in {@link #buffer}. */
  #firstAt = 0;
  #lastAt = 0;
  #opened: number;
  #first = true;
  /** Resolves when the server closes the connection, with the time it did (performance.now()). */
  readonly ended: Promise<number>;

  private constructor(readonly socket: net.Socket) {
    this.#opened = performance.now();
    socket.on("data", (data: Buffer) => this.chunks.push({ at: performance.now(), data }));
    this.ended = new Promise((resolve) => {
      socket.once("close", () => {
        this.chunks.end();
        resolve(performance.now());
      });
    });
    socket.on("error", () => {});
  }

  /** Connects to 127.0.0.1:`port`; the first request's `ms` counts from here (a new connection). */
  static open(port: number): Promise<RawHttp> {
    const socket = net.connect(port, "127.0.0.1");
    const client = new RawHttp(socket);
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(client));
      socket.once("error", reject);
    });
  }

  /** Writes raw bytes. */
  write(text: string | Buffer): number {
    const data = typeof text === "string" ? Buffer.from(text, "latin1") : text;
    this.socket.write(data);
    return data.length;
  }

  /** Reads until `predicate(everything read so far)` holds (bounded by `timeoutMs`); returns what was read. */
  async readUntil(predicate: (all: Buffer) => boolean, timeoutMs = 5000): Promise<Buffer> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate(this.#buffer)) {
      const { at, data } = await this.chunks.next(Math.max(1, deadline - performance.now()), "bytes");
      if (this.#buffer.length === 0) this.#firstAt = at;
      this.#lastAt = at;
      this.#buffer = Buffer.concat([this.#buffer, data]);
    }
    const all = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return all;
  }

  /** Everything still unread once the server has closed the connection. */
  async rest(): Promise<Buffer> {
    await this.ended;
    const all = Buffer.concat([this.#buffer, ...this.chunks.drain().map((c) => c.data)]);
    this.#buffer = Buffer.alloc(0);
    return all;
  }

  /** `GET path` with a Content-Length answer (not chunked); keeps the connection open. */
  get(path: string, timeoutMs = 15_000): Promise<RawAnswer> {
    return this.request("GET", path, undefined, timeoutMs);
  }

  /** One request (a JSON body when `body` is given) with a Content-Length answer. */
  async request(method: string, path: string, body?: string, timeoutMs = 15_000): Promise<RawAnswer> {
    const t0 = this.#first ? this.#opened : performance.now();
    this.#first = false;
    const request =
      body === undefined
        ? `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`
        : `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const bytesOut = this.write(request);
    const answer = await this.readUntil((all) => {
      const end = all.indexOf("\r\n\r\n");
      if (end < 0) return false;
      const length = /content-length: *(\d+)/i.exec(all.subarray(0, end).toString("latin1"))?.[1];
      if (length === undefined) throw new Error(`answer without content-length: ${all.subarray(0, end)}`);
      return all.length >= end + 4 + Number(length);
    }, timeoutMs);
    const ms = this.#lastAt - t0;
    const end = answer.indexOf("\r\n\r\n");
    const head = answer.subarray(0, end).toString("latin1");
    return {
      status: Number(head.slice(9, 12)),
      head,
      body: answer.subarray(end + 4),
      bytesOut,
      bytesIn: answer.length,
      ms,
      firstByteMs: this.#firstAt - t0,
    };
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A WebSocket upgrade request for `path`, as a browser would write it (no Origin: a non-browser client). */
export const upgradeRequest = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

/** A masked client text frame (RFC 6455 §5.2) with a payload under 126 bytes. */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return frame;
}
