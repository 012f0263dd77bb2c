import { Socket } from "node:net";
import { Readable } from "node:stream";
import { LinkPipe, OPEN_PIPE, type PipeParams } from "./link-pipe.ts";
import type { LinkSpec } from "./presets.ts";

const LINKED = Symbol("transport-lab.linked");
type Linkable = Socket & { [LINKED]?: LinkedSocket };

/** Bytes from the client a link holds before it stops reading the socket: TCP's receive window. */
const UP_WINDOW = 64 * 1024;
/**
 * Requests read from one connection and still crossing the uplink. Node stops reading a connection
 * whose answers pile up, but these have no answer yet; browsers never pipeline, so a client that
 * sends more at once is cut rather than held in memory.
 */
const MAX_WAITING_REQUESTS = 32;
const EMPTY = Buffer.alloc(0);

/** One direction of `link` (`null`: no link): half its round trip, its rate that way, its jitter and loss. */
const pipeParams = (link: LinkSpec | null, kbps: number | null): PipeParams =>
  link
    ? {
        delayMs: link.rttMs / 2,
        jitterMs: link.jitterMs,
        kbps,
        lossPercent: link.lossPercent,
        stallMs: link.stallMs,
      }
    : OPEN_PIPE;

/** The link state of a socket that has carried link traffic; `undefined` for every other socket. */
export const linkedOf = (socket: Socket): LinkedSocket | undefined => (socket as Linkable)[LINKED];

/**
 * Puts a TCP socket behind an emulated link (idempotent). Every byte the server writes goes through
 * the downlink pipe: the socket's own `_write`, `_writev`, `_final` and `_destroy` are replaced on
 * this one socket, so Node's HTTP machinery and `ws` write to it as before, its writable buffer is
 * the link's bottleneck queue (slow-reader limits and `bufferedAmount` keep working), and its FIN
 * and close travel behind its last bytes. Sockets that never use a link are never touched.
 */
export function linkSocket(socket: Socket): LinkedSocket {
  const existing = linkedOf(socket);
  if (existing) return existing;
  const linked = new LinkedSocket(socket);
  const s = socket as Linkable;
  s[LINKED] = linked;
  s._write = linkedWrite;
  s._writev = linkedWritev;
  s._final = linkedFinal;
  s._destroy = linkedDestroy;
  socket.once("close", onClose);
  return linked;
}

/** One socket's link: which link its current request uses, both pipes, the faults' state. */
export class LinkedSocket {
  link: LinkSpec | null = null;
  readonly down = new LinkPipe();
  readonly up = new LinkPipe();
  /** buffering-proxy: response bytes held back. */
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** ws-dropped: `head` until the upgrade's response head has passed, then everything is dropped. */
  #drop: "off" | "head" | "dropping" = "off";
  #lastActivity = performance.now();
  #idleTimer: NodeJS.Timeout | undefined;
  /** Cut by the link itself (idle timeout): closes at once, nothing more travels. */
  #cut = false;
  /** Requests read and not yet dispatched. */
  #waiting = 0;

  constructor(readonly socket: Socket) {}

  /** Switches to `link` (`null`: no link) for what follows; held bytes go out first. */
  use(link: LinkSpec | null): void {
    this.flushHeld();
    this.link = link;
    this.down.params = pipeParams(link, link?.downKbps ?? null);
    this.up.params = pipeParams(link, link?.upKbps ?? null);
    this.#touch();
  }

  /** Also shapes what the client sends: for an upgraded connection, read as a stream (`ws`). */
  shapeReads(): void {
    (this.socket as Linkable).push = linkedPush;
  }

  /** ws-dropped: let the upgrade's response head through, then drop every byte both ways. */
  dropAfterHead(): void {
    this.#drop = "head";
  }

  /**
   * A request (or upgrade) of `bytes` head bytes has been read: `dispatch` runs when it would have
   * arrived through the link. On a new connection the client first spends a round trip on TCP's handshake.
   */
  arrive(bytes: number, newConnection: boolean, dispatch: () => void): void {
    this.#touch();
    if (this.#waiting >= MAX_WAITING_REQUESTS) {
      this.#cut = true;
      this.socket.destroy();
      return;
    }
    this.#waiting += 1;
    if (newConnection && this.link) this.up.holdUntil(performance.now() + this.link.rttMs);
    this.up.send(bytes, () => {
      this.#waiting -= 1;
      dispatch();
    });
  }

  /**
   * A request body chunk (`null`: its end) reaches `req` through the uplink. False (stop reading
   * for now) once the uplink and the unread body together fill the window.
   */
  upload(req: Readable, chunk: Buffer | null): boolean {
    this.#touch();
    if (chunk === null) this.up.send(0, () => Readable.prototype.push.call(req, null));
    else this.up.send(chunk, (slice) => Readable.prototype.push.call(req, slice));
    return this.up.pendingBytes + req.readableLength < UP_WINDOW;
  }

  /** Bytes read from an upgraded connection (`null`: the client's FIN). False: stop reading for now. */
  receive(chunk: Buffer | null): boolean {
    this.#touch();
    if (chunk === null) this.up.send(0, this.#deliverEnd);
    else if (this.#drop === "off") this.up.send(chunk, this.#deliverUp);
    return this.up.pendingBytes + this.socket.readableLength < UP_WINDOW;
  }

  /** The server writes `chunk`; `done` once the link has taken it. */
  write(chunk: Buffer, done: (err?: Error | null) => void): void {
    this.#touch();
    const data = this.#drop === "off" ? chunk : this.#passHead(chunk);
    const hold = this.link?.bufferBytes ?? null;
    if (hold !== null) {
      this.#held.push(data);
      this.#heldBytes += data.length;
      done();
      if (this.#heldBytes >= hold) this.flushHeld();
    } else if (data.length > 0) {
      this.down.send(data, this.#deliverDown, done);
    } else {
      done();
    }
  }

  /** buffering-proxy: the response ended, so everything held goes out. */
  readonly flushHeld = (): void => {
    if (this.#heldBytes === 0) return;
    const data = Buffer.concat(this.#held, this.#heldBytes);
    this.#held = [];
    this.#heldBytes = 0;
    this.down.send(data, this.#deliverDown);
  };

  /** The server ends the connection: the FIN leaves after the held and queued bytes. */
  end(fin: () => void): void {
    this.flushHeld();
    this.down.send(0, fin);
  }

  /** The connection is destroyed: at once on an error or a cut, else when the close has crossed the link. */
  destroy(err: Error | null, close: () => void): void {
    if (err || this.#cut) {
      this.dispose();
      close();
      return;
    }
    this.#held = [];
    this.#heldBytes = 0;
    this.down.send(0, () => {
      this.dispose();
      close();
    });
  }

  /** Drops everything pending and stops the idle timer (the socket is gone). */
  dispose(): void {
    this.up.clear();
    this.down.clear();
    this.#held = [];
    this.#heldBytes = 0;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #passHead(chunk: Buffer): Buffer {
    if (this.#drop === "dropping") return EMPTY;
    const end = chunk.indexOf("\r\n\r\n");
    if (end < 0) return chunk;
    this.#drop = "dropping";
    return chunk.subarray(0, end + 4);
  }

  /** Something crossed the link: the idle clock restarts. */
  #touch(): void {
    this.#lastActivity = performance.now();
    const limit = this.link?.idleTimeoutMs ?? null;
    if (limit !== null && this.#idleTimer === undefined) {
      this.#idleTimer = setTimeout(this.#onIdle, limit);
    }
  }

  readonly #onIdle = (): void => {
    this.#idleTimer = undefined;
    const limit = this.link?.idleTimeoutMs ?? null;
    if (limit === null) return;
    const idle = performance.now() - this.#lastActivity;
    if (idle < limit - 1) {
      this.#idleTimer = setTimeout(this.#onIdle, limit - idle);
      return;
    }
    this.#cut = true;
    this.socket.destroy();
  };

  readonly #deliverDown = (slice: Buffer | undefined): void => {
    // "buffer" is what Writable itself passes with a Buffer chunk; Node's types only list string encodings.
    Socket.prototype._write.call(this.socket, slice ?? EMPTY, "buffer" as BufferEncoding, this.#afterWrite);
  };

  readonly #afterWrite = (err?: Error | null): void => {
    if (err) this.socket.destroy(err);
  };

  readonly #deliverUp = (slice: Buffer | undefined): void => {
    if (slice) Readable.prototype.push.call(this.socket, slice);
  };

  readonly #deliverEnd = (): void => {
    Readable.prototype.push.call(this.socket, null);
  };
}

// Shared replacements for the socket's own methods: `this` is the socket, its link is `this[LINKED]`.
type WriteCallback = (err?: Error | null) => void;

function toBuffer(chunk: unknown, encoding: BufferEncoding | "buffer"): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, encoding === "buffer" ? "utf8" : encoding);
  return Buffer.from(chunk as Uint8Array);
}

function linkedWrite(this: Linkable, chunk: unknown, encoding: BufferEncoding, cb: WriteCallback): void {
  (this[LINKED] as LinkedSocket).write(toBuffer(chunk, encoding), cb);
}

function linkedWritev(
  this: Linkable,
  chunks: { chunk: unknown; encoding: BufferEncoding }[],
  cb: WriteCallback,
): void {
  const buffers = chunks.map((c) => toBuffer(c.chunk, c.encoding));
  (this[LINKED] as LinkedSocket).write(Buffer.concat(buffers), cb);
}

function linkedFinal(this: Linkable, cb: WriteCallback): void {
  (this[LINKED] as LinkedSocket).end(() => Socket.prototype._final.call(this, cb));
}

function linkedDestroy(this: Linkable, err: Error | null, cb: WriteCallback): void {
  (this[LINKED] as LinkedSocket).destroy(err, () => Socket.prototype._destroy.call(this, err, cb));
}

function linkedPush(this: Linkable, chunk: unknown): boolean {
  return (this[LINKED] as LinkedSocket).receive(chunk === null ? null : toBuffer(chunk, "buffer"));
}

function onClose(this: Linkable): void {
  this[LINKED]?.dispose();
}
