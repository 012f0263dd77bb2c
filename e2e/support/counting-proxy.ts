import { connect, createServer, type Server, type Socket } from "node:net";

/** One HTTP exchange as it crossed the proxy: every TCP payload byte of it, each way. */
export interface ProxiedExchange {
  readonly method: string;
  /** Path and query as on the request line. */
  readonly target: string;
  /** Request head + body (client → server). */
  bytesOut: number;
  /** Response head + body, chunked framing included (server → client). */
  bytesIn: number;
  /** A WebSocket upgrade: after the `101`, every byte of the connection is this exchange's. */
  upgraded: boolean;
  /** Test-process time (Date.now()) of its last byte. */
  lastByteAt: number;
  /** WebSocket frames by opcode name and direction after the upgrade ("out close", "in text", …); SSE comment chunks as "in comment". */
  readonly frames: Record<string, number>;
  /** Bytes of those frames, header and mask included, under the same names. */
  readonly frameBytes: Record<string, number>;
}

const OPCODES: Readonly<Record<number, string>> = {
  0: "cont",
  1: "text",
  2: "binary",
  8: "close",
  9: "ping",
  10: "pong",
};

/** Reads RFC 6455 frames off a byte stream and counts them by opcode (header bytes only inspected). */
class FrameCounter {
  #pending = Buffer.alloc(0);
  #skip = 0;
  constructor(
    readonly into: Record<string, number>,
    readonly bytesInto: Record<string, number>,
    readonly direction: "in" | "out",
  ) {}

  push(data: Buffer): void {
    let buf = data;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, buf.length);
      this.#skip -= n;
      buf = buf.subarray(n);
    }
    this.#pending = Buffer.concat([this.#pending, buf]);
    for (;;) {
      const b = this.#pending;
      if (b.length < 2) return;
      const masked = ((b[1] as number) & 0x80) !== 0;
      let len = (b[1] as number) & 0x7f;
      let header = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        header = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        header = 10;
      }
      if (masked) header += 4;
      if (b.length < header) return;
      const name = `${this.direction} ${OPCODES[(b[0] as number) & 0x0f] ?? "other"}`;
      const total = header + len;
      this.into[name] = (this.into[name] ?? 0) + 1;
      this.bytesInto[name] = (this.bytesInto[name] ?? 0) + total;
      if (b.length >= total) this.#pending = b.subarray(total);
      else {
        this.#skip = total - b.length;
        this.#pending = Buffer.alloc(0);
        return;
      }
    }
  }
}

/**
 * The HTTP/1.1 framing of one direction of a connection: finds where each request (or response)
 * head ends and how long its body is (Content-Length or chunked), so that every byte is given to
 * the exchange it belongs to. Browsers do not pipeline, so responses come in request order.
 */
class MessageSplitter {
  #head = "";
  #body:
    | { kind: "length"; left: number }
    | { kind: "chunked"; line: string; left: number; first: boolean }
    | null = null;

  constructor(
    /** A head is complete: makes its exchange current and says how the body is framed. */
    readonly onHead: (head: string) => number | "chunked" | "upgrade",
    /** `n` bytes belong to the current exchange (its head is counted once it is complete). */
    readonly count: (n: number) => void,
    /** After an upgrade: the rest of this chunk of the stream. */
    readonly onUpgraded: (rest: Buffer) => void,
    /** The first byte of each chunk of a chunked body (an SSE comment chunk starts with `:`). */
    readonly onChunk: (firstByte: number) => void = () => {},
  ) {}

  push(data: Buffer): void {
    let i = 0;
    while (i < data.length) {
      const body = this.#body;
      if (body === null) {
        // latin1: one char per byte, so string indices are byte offsets.
        const text = this.#head + data.toString("latin1", i);
        const end = text.indexOf("\r\n\r\n");
        if (end === -1) {
          this.#head = text;
          return;
        }
        const head = text.slice(0, end + 4);
        i += head.length - this.#head.length;
        this.#head = "";
        const framing = this.onHead(head);
        this.count(head.length);
        if (framing === "upgrade") {
          this.onUpgraded(data.subarray(i));
          return;
        }
        if (framing === "chunked") this.#body = { kind: "chunked", line: "", left: 0, first: false };
        else if (framing > 0) this.#body = { kind: "length", left: framing };
      } else if (body.left > 0) {
        if (body.kind === "chunked" && body.first) {
          body.first = false;
          this.onChunk(data[i] as number);
        }
        const n = Math.min(body.left, data.length - i);
        this.count(n);
        body.left -= n;
        i += n;
        if (body.left === 0 && body.kind === "length") this.#body = null;
      } else if (body.kind === "chunked") {
        // A chunk-size line, the CRLF after a chunk's data, or the final chunk.
        this.count(1);
        body.line += String.fromCharCode(data[i] as number);
        i += 1;
        if (!body.line.endsWith("\r\n")) continue;
        const line = body.line.slice(0, -2);
        body.line = "";
        if (line === "") continue;
        const size = Number.parseInt(line.split(";")[0] as string, 16);
        if (size > 0) {
          body.left = size;
          body.first = true;
        } else this.#body = { kind: "length", left: 2 }; // the last chunk's blank line (no trailers)
      } else this.#body = null;
    }
  }
}

function headerValue(head: string, name: string): string | undefined {
  const re = new RegExp(`^${name}:\\s*(.*)$`, "im");
  return re.exec(head)?.[1]?.trim();
}

/**
 * A TCP proxy on loopback in front of a server that counts every byte it forwards and gives each
 * to the HTTP exchange it belongs to (heads, bodies, chunked framing, WebSocket frames): the same
 * attribution as a packet capture's TCP payload, with nothing to install. It sees what the
 * browser sent and received, byte for byte, whatever the browser tells the page.
 */
export class CountingProxy {
  readonly exchanges: ProxiedExchange[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly targetPort: number,
    server: Server,
  ) {
    this.#server = server;
  }

  /** Listens on 127.0.0.1 (port 0) in front of `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<CountingProxy> {
    const server = createServer();
    const proxy = new CountingProxy(targetPort, server);
    server.on("connection", (client) => proxy.#pipe(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get url(): string {
    const address = this.#server.address();
    if (address === null || typeof address === "string") throw new Error("not listening");
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #pipe(client: Socket): void {
    const upstream = connect(this.targetPort, "127.0.0.1");
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const awaiting: ProxiedExchange[] = [];
    let sending: ProxiedExchange | undefined;
    let answering: ProxiedExchange | undefined;
    let wsOut: FrameCounter | undefined;
    let wsIn: FrameCounter | undefined;

    const out = new MessageSplitter(
      (head) => {
        const [method = "", target = ""] = head.split(" ", 2);
        sending = {
          method,
          target,
          bytesOut: 0,
          bytesIn: 0,
          lastByteAt: Date.now(),
          upgraded: false,
          frames: {},
          frameBytes: {},
        };
        this.exchanges.push(sending);
        awaiting.push(sending);
        return Number(headerValue(head, "content-length") ?? "0");
      },
      (n) => {
        if (sending === undefined) return;
        sending.bytesOut += n;
        sending.lastByteAt = Date.now();
      },
      () => {},
    );
    const inn = new MessageSplitter(
      (head) => {
        answering = awaiting.shift();
        const status = Number(head.split(" ", 3)[1]);
        if (status === 101 && answering !== undefined) {
          answering.upgraded = true;
          wsOut = new FrameCounter(answering.frames, answering.frameBytes, "out");
          wsIn = new FrameCounter(answering.frames, answering.frameBytes, "in");
          return "upgrade";
        }
        if (status === 204 || status === 304) return 0;
        if (/chunked/i.test(headerValue(head, "transfer-encoding") ?? "")) return "chunked";
        return Number(headerValue(head, "content-length") ?? "0");
      },
      (n) => {
        if (answering === undefined) return;
        answering.bytesIn += n;
        answering.lastByteAt = Date.now();
      },
      (rest) => {
        if (answering === undefined || rest.length === 0) return;
        answering.bytesIn += rest.length;
        answering.lastByteAt = Date.now();
        wsIn?.push(rest);
      },
      (firstByte) => {
        if (answering === undefined || firstByte !== 0x3a) return;
        answering.frames["in comment"] = (answering.frames["in comment"] ?? 0) + 1;
      },
    );

    client.on("data", (data: Buffer) => {
      upstream.write(data);
      // The client speaks WebSocket only after the 101 (it waits for it before sending a frame).
      if (wsOut !== undefined && sending !== undefined) {
        sending.bytesOut += data.length;
        sending.lastByteAt = Date.now();
        wsOut.push(data);
      } else out.push(data);
    });
    upstream.on("data", (data: Buffer) => {
      client.write(data);
      if (wsIn !== undefined && answering !== undefined) {
        answering.bytesIn += data.length;
        answering.lastByteAt = Date.now();
        wsIn.push(data);
      } else inn.push(data);
    });

    const end = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  }
}

/** Starts a {@link CountingProxy} on 127.0.0.1 in front of `127.0.0.1:targetPort`. */
export function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  return CountingProxy.start(targetPort);
}
