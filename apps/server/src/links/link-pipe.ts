/** What one direction of a link does to the bytes sent through it. */
export interface PipeParams {
  /** One-way propagation delay, ms. */
  readonly delayMs: number;
  /** Each packet's delay varies uniformly within ± this, ms (never below zero, never reordering). */
  readonly jitterMs: number;
  /** Bottleneck rate in kbit/s (= bits per ms); `null`: not limited. */
  readonly kbps: number | null;
  /** Probability, in %, that a packet is lost: its bytes and everything behind them wait `stallMs`. */
  readonly lossPercent: number;
  readonly stallMs: number;
}

/** Nothing added: bytes pass at once, in order behind anything still in the pipe. */
export const OPEN_PIPE: PipeParams = { delayMs: 0, jitterMs: 0, kbps: null, lossPercent: 0, stallMs: 0 };

/** A TCP segment's payload on Ethernet: what one loss takes with it. */
const MSS = 1460;
/** A large write is cut into slices of about this much link time, so that it trickles out. */
const SLICE_MS = 2;
/**
 * Timers fire up to a millisecond late; an item due within this much is delivered now, so that
 * delays come out right on average instead of always long.
 */
const EARLY_MS = 0.5;

type Arrival = (slice: Buffer | undefined) => void;

interface InFlight {
  at: number;
  bytes: number;
  slice: Buffer | undefined;
  arrive: Arrival;
}

/** A FIFO that pops from the front without shifting the array each time. */
class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  get size(): number {
    return this.#items.length - this.#head;
  }
  peek(): T | undefined {
    return this.#items[this.#head];
  }
  push(item: T): void {
    this.#items.push(item);
  }
  shift(): T | undefined {
    const item = this.#items[this.#head];
    // Let go of what was taken: a popped slot must not keep its bytes and closures alive.
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

/**
 * One direction of an emulated link, modelled as a bottleneck queue followed by a delay line:
 * bytes are serialized at `kbps` one after the other (`onSent` fires when the last one has been),
 * then each slice arrives `delayMs` ± jitter later, plus `stallMs` when a packet of it was lost,
 * and never before the slice ahead of it. Nothing is dropped and nothing is reordered.
 * One timer per pipe, armed for the earliest pending event.
 */
export class LinkPipe {
  params: PipeParams;
  /** When the bottleneck has finished sending what it holds (performance.now() ms). */
  #freeAt = 0;
  #lastAt = 0;
  readonly #inFlight = new Fifo<InFlight>();
  readonly #sent = new Fifo<{ at: number; done: () => void }>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #pendingBytes = 0;
  readonly #random: () => number;

  constructor(params: PipeParams = OPEN_PIPE, random: () => number = Math.random) {
    this.params = params;
    this.#random = random;
  }

  /** Bytes sent and not yet arrived. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Nothing is waiting to be sent or to arrive. */
  get idle(): boolean {
    return this.#inFlight.size === 0 && this.#sent.size === 0;
  }

  /** Nothing may be sent before `at` (a TCP handshake: the first request waits for it). */
  holdUntil(at: number): void {
    this.#freeAt = Math.max(this.#freeAt, at);
  }

  /**
   * Sends `data` (a Buffer, delivered slice by slice as each arrives, or a number of bytes that
   * carry no data here, delivered once as `undefined`). `onSent` fires once the bottleneck has
   * sent the last byte. Zero bytes pass as a marker: a FIN, or the end of a body.
   */
  send(data: Buffer | number, arrive: Arrival, onSent?: () => void): void {
    const now = performance.now();
    const { kbps, delayMs, jitterMs, lossPercent, stallMs } = this.params;
    const total = typeof data === "number" ? data : data.length;
    const sliceBytes =
      kbps === null ? Number.POSITIVE_INFINITY : Math.max(MSS, Math.floor((kbps * SLICE_MS) / 8));
    let offset = 0;
    do {
      const bytes = Math.min(sliceBytes, total - offset);
      const start = Math.max(now, this.#freeAt);
      const sentAt = kbps === null ? start : start + (bytes * 8) / kbps;
      this.#freeAt = sentAt;
      let at = sentAt + delayMs + (jitterMs > 0 ? (this.#random() * 2 - 1) * jitterMs : 0);
      if (lossPercent > 0 && bytes > 0) {
        const kept = (1 - lossPercent / 100) ** Math.ceil(bytes / MSS);
        if (this.#random() >= kept) at += stallMs;
      }
      at = Math.max(at, sentAt, this.#lastAt);
      this.#lastAt = at;
      const slice = typeof data === "number" ? undefined : data.subarray(offset, offset + bytes);
      this.#inFlight.push({ at, bytes, slice, arrive });
      this.#pendingBytes += bytes;
      offset += bytes;
    } while (offset < total);
    if (onSent) this.#sent.push({ at: this.#freeAt, done: onSent });
    this.#run();
  }

  /** Forgets everything pending (the connection is gone). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#inFlight.clear();
    this.#sent.clear();
    this.#pendingBytes = 0;
  }

  readonly #onTimer = () => {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#run();
  };

  #run(): void {
    const due = performance.now() + EARLY_MS;
    for (let s = this.#sent.peek(); s && s.at <= due; s = this.#sent.peek()) {
      this.#sent.shift();
      s.done();
    }
    for (let f = this.#inFlight.peek(); f && f.at <= due; f = this.#inFlight.peek()) {
      this.#inFlight.shift();
      this.#pendingBytes -= f.bytes;
      f.arrive(f.slice);
    }
    const next = Math.min(
      this.#sent.peek()?.at ?? Number.POSITIVE_INFINITY,
      this.#inFlight.peek()?.at ?? Number.POSITIVE_INFINITY,
    );
    if (next === Number.POSITIVE_INFINITY || next >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = next;
    this.#timer = setTimeout(this.#onTimer, Math.max(1, next - performance.now()));
  }
}
