import { Socket } from "node:net";

/** A Writable's write callback. */
export type WriteCallback = (err?: Error | null) => void;

const EMPTY = Buffer.alloc(0);

/**
 * The far end of a link's downlink: writes what arrives to the real socket, and holds the server's
 * write callbacks while the socket has not taken all of it. A reader slower than the link (or one
 * that stops reading) thus leaves its bytes in the server's writable buffer, where slow-reader
 * limits and `bufferedAmount` see them, and not in libuv's queue, where nothing does.
 */
export class SocketWriter {
  /** Bytes handed to the real socket whose write has not completed. */
  #unaccepted = 0;
  /** Other reasons to hold callbacks (a buffering-proxy flush not yet sent). */
  #holds = 0;
  #gated: WriteCallback[] = [];

  constructor(readonly socket: Socket) {}

  /** Nothing is unaccepted, held or waiting. */
  get idle(): boolean {
    return this.#unaccepted === 0 && this.#holds === 0 && this.#gated.length === 0;
  }

  /** Writes one slice that crossed the link to the real socket. */
  readonly deliver = (slice: Buffer | undefined): void => {
    const bytes = slice?.length ?? 0;
    this.#unaccepted += bytes;
    // "buffer" is what Writable itself passes with a Buffer chunk; Node's types only list string encodings.
    Socket.prototype._write.call(this.socket, slice ?? EMPTY, "buffer" as BufferEncoding, (err) => {
      // libuv completes writes in order: when this one is done, so are the ones before it.
      this.#unaccepted = Math.max(0, this.#unaccepted - bytes);
      if (err) this.socket.destroy(err);
      else this.#release();
    });
  };

  /** Calls `done` now if the real socket has taken everything delivered to it, else once it has. */
  whenAccepted(done: WriteCallback): void {
    if (this.idle) done();
    else this.#gated.push(done);
  }

  /** Holds callbacks until the matching {@link unhold}. */
  hold(): void {
    this.#holds += 1;
  }

  readonly unhold = (): void => {
    this.#holds -= 1;
    this.#release();
  };

  /** Forgets the held callbacks (the socket is being destroyed: they will never be called). */
  drop(): void {
    this.#gated = [];
  }

  /** Back to nothing pending (the socket is gone). */
  reset(): void {
    this.#gated = [];
    this.#unaccepted = 0;
    this.#holds = 0;
  }

  #release(): void {
    while (this.#unaccepted === 0 && this.#holds === 0 && this.#gated.length > 0) {
      (this.#gated.shift() as WriteCallback)();
    }
  }
}
