import { Socket } from "node:net";
import { Readable } from "node:stream";
import { LinkPipe, OPEN_PIPE, type PipeParams } from "./link-pipe.ts";
import type { LinkSpec } from "./presets.ts";
import { SocketWriter, type WriteCallback } from "./socket-writer.ts";

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
 * this one socket, so Node's HTTP machinery and `ws` write to it as before. A write counts as done
 * only once the link has sent it *and* the real socket has taken every byte delivered to it so far,
 * so the socket's writable buffer holds the link's bottleneck queue plus whatever a slow reader
 * leaves unread (slow-reader limits and `bufferedAmount` keep working). Its FIN and close travel
 * behind its last bytes. Sockets that never use a link are never touched.
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

/**
 * Gives `socket` its own methods back once its link holds nothing more (a kept-alive connection
 * whose next request uses no link): from then on it costs what any other socket costs. False while
 * bytes are still on their way, or for an upgraded connection, whose link lasts as long as it does.
 */
export function unlinkSocket(socket: Socket): boolean {
  const linked = linkedOf(socket);
  if (linked === undefined) return true;
  if (!linked.drained) return false;
  linked.dispose();
  const s = socket as Linkable;
  delete s[LINKED];
  s._write = Socket.prototype._write;
  s._writev = Socket.prototype._writev as NonNullable<Socket["_writev"]>;
  s._final = Socket.prototype._final;
  s._destroy = Socket.prototype._destroy;
  socket.off("close", onClose);
  return true;
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
  /** After a cut: its grace timer, and when the bottleneck will have sent the end (`down.sentBy`). */
  #cutTimer: NodeJS.Timeout | undefined;
  #cutEndAt = 0;
  /** Requests read and not yet dispatched. */
  #waiting = 0;
  /** An upgraded connection reads through the link too: it stays linked for good. */
  #readsShaped = false;
  readonly #writer: SocketWriter;

  constructor(readonly socket: Socket) {
    this.#writer = new SocketWriter(socket);
  }

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
    this.#readsShaped = true;
    (this.socket as Linkable).push = linkedPush;
  }

  /** Nothing held, queued, on the wire, unaccepted or waiting: the socket may leave the link. */
  get drained(): boolean {
    return (
      !this.#readsShaped &&
      this.#waiting === 0 &&
      this.#heldBytes === 0 &&
      this.#writer.idle &&
      this.up.idle &&
      this.down.idle
    );
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
    if (newConnection && this.link) this.up.hold(this.link.rttMs);
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

  /**
   * The server writes `chunk`; `done` once the link has sent it and the real socket has taken all
   * that reached it (a held buffering-proxy write: once the socket has taken the earlier bytes).
   */
  write(chunk: Buffer, done: WriteCallback): void {
    this.#touch();
    const data = this.#drop === "off" ? chunk : this.#passHead(chunk);
    const hold = this.link?.bufferBytes ?? null;
    if (hold !== null) {
      this.#held.push(data);
      this.#heldBytes += data.length;
      if (this.#heldBytes >= hold) this.flushHeld();
      this.#writer.whenAccepted(done);
    } else if (data.length > 0) {
      this.down.send(data, this.#writer.deliver, () => this.#writer.whenAccepted(done));
    } else {
      this.#writer.whenAccepted(done);
    }
  }

  /** buffering-proxy: the response ended, so everything held goes out. */
  readonly flushHeld = (): void => {
    if (this.#heldBytes === 0) return;
    const data = Buffer.concat(this.#held, this.#heldBytes);
    this.#held = [];
    this.#heldBytes = 0;
    // Later writes wait until the flush has left: the proxy's buffer is bounded, the link's queue is not.
    this.#writer.hold();
    this.down.send(data, this.#writer.deliver, this.#writer.unhold);
  };

  /** The server ended the connection as a cut: if its end is still queued after `graceMs`, destroy it. */
  cutPromptly(graceMs: number): void {
    if (this.#cutTimer !== undefined) return;
    this.flushHeld(); // a buffering proxy sends what it holds when the response ends
    // Only what was queued up to the end counts: a later request on a kept-alive socket is not cut.
    this.#cutEndAt = this.down.sentBy;
    this.#cutTimer = setTimeout(this.#afterCut, graceMs);
    this.#cutTimer.unref();
  }

  readonly #afterCut = (): void => {
    this.#cutTimer = undefined;
    if (this.socket.destroyed || this.down.reached(this.#cutEndAt)) return;
    this.socket.destroy();
  };

  /** The server ends the connection: the FIN leaves after the held and queued bytes. */
  end(fin: () => void): void {
    this.flushHeld();
    this.down.send(0, fin);
  }

  /**
   * The connection is destroyed: at once on an error or a cut by the link itself (a malformed
   * request's 400 still goes out first). Otherwise what the
   * link has not sent yet is dropped, as a socket's own buffer is, and the close follows the bytes
   * already on the wire (at most the link's one-way delay: a terminated slow reader is not held
   * while megabytes trickle out).
   */
  destroy(err: Error | null, close: () => void): void {
    const parseError = (err as NodeJS.ErrnoException | null)?.code?.startsWith("HPE_") ?? false;
    if (parseError && !this.#cut) {
      // Node answers a request it cannot parse with 400, then destroys the socket with the parser's
      // error: as from a real socket's buffer, that answer still goes out before the close.
      this.flushHeld();
      this.down.send(0, () => {
        this.dispose();
        close();
      });
      return;
    }
    if (err || this.#cut) {
      this.dispose();
      close();
      return;
    }
    this.#held = [];
    this.#heldBytes = 0;
    this.#writer.drop();
    this.down.dropUnsent();
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
    this.#writer.reset();
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    clearTimeout(this.#cutTimer);
    this.#cutTimer = undefined;
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

  readonly #deliverUp = (slice: Buffer | undefined): void => {
    if (slice) Readable.prototype.push.call(this.socket, slice);
  };

  readonly #deliverEnd = (): void => {
    Readable.prototype.push.call(this.socket, null);
  };
}

// Shared replacements for the socket's own methods: `this` is the socket, its link is `this[LINKED]`.

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
