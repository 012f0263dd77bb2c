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

/** Time and timers of a pipe: the real ones, or a test's own. */
export interface PipeClock {
  /** Milliseconds, monotonic (`performance.now()`). */
  now(): number;
  /** Calls `fn` after `ms`; returns a handle for {@link cancel}. */
  schedule(fn: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

/** `performance.now()` and Node's timers. */
export const REAL_CLOCK: PipeClock = {
  now: () => performance.now(),
  schedule: (fn, ms) => setTimeout(fn, ms),
  cancel: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

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
  /** When the bottleneck has sent its last byte: until then it is queued, not yet on the wire. */
  sentAt: number;
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
  last(): T | undefined {
    return this.size > 0 ? this.#items[this.#items.length - 1] : undefined;
  }
  /** Removes items from the back while `drop` holds for them. */
  popWhile(drop: (item: T) => boolean): void {
    while (this.size > 0 && drop(this.#items[this.#items.length - 1] as T)) this.#items.pop();
    if (this.size === 0) this.clear();
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
  /** When the bottleneck has finished sending what it holds (clock ms). */
  #freeAt = 0;
  #lastAt = 0;
  readonly #inFlight = new Fifo<InFlight>();
  readonly #sent = new Fifo<{ at: number; done: () => void }>();
  #timer: unknown;
  #timerAt = Number.POSITIVE_INFINITY;
  #pendingBytes = 0;
  readonly #random: () => number;
  readonly #clock: PipeClock;

  constructor(params: PipeParams = OPEN_PIPE, random: () => number = Math.random, clock = REAL_CLOCK) {
    this.params = params;
    this.#random = random;
    this.#clock = clock;
  }

  /** Bytes sent and not yet arrived. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** When (clock ms) the bottleneck will have sent everything given to it so far. */
  get sentBy(): number {
    return this.#freeAt;
  }

  /** True once the clock has reached `at` (a {@link sentBy} taken earlier: all of that is sent). */
  reached(at: number): boolean {
    return this.#clock.now() >= at;
  }

  /** Nothing is waiting to be sent or to arrive. */
  get idle(): boolean {
    return this.#inFlight.size === 0 && this.#sent.size === 0;
  }

  /** Nothing may be sent for the next `ms` (a TCP handshake: the first request waits for it). */
  hold(ms: number): void {
    this.#freeAt = Math.max(this.#freeAt, this.#clock.now() + ms);
  }

  /**
   * Sends `data` (a Buffer, delivered slice by slice as each arrives, or a number of bytes that
   * carry no data here, delivered once as `undefined`). `onSent` fires once the bottleneck has
   * sent the last byte. Zero bytes pass as a marker: a FIN, or the end of a body.
   */
  send(data: Buffer | number, arrive: Arrival, onSent?: () => void): void {
    const now = this.#clock.now();
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
      this.#inFlight.push({ at, sentAt, bytes, slice, arrive });
      this.#pendingBytes += bytes;
      offset += bytes;
    } while (offset < total);
    if (onSent) this.#sent.push({ at: this.#freeAt, done: onSent });
    this.#run();
  }

  /**
   * Forgets what the bottleneck has not sent yet (a cut connection: like a socket's own buffer, it
   * never leaves); what is already on the wire still arrives, and anything sent next goes behind it.
   */
  dropUnsent(): void {
    const now = this.#clock.now();
    this.#inFlight.popWhile((f) => {
      if (f.sentAt <= now) return false;
      this.#pendingBytes -= f.bytes;
      return true;
    });
    this.#sent.popWhile((s) => s.at > now);
    this.#freeAt = Math.min(this.#freeAt, now);
    this.#lastAt = this.#inFlight.last()?.at ?? 0;
  }

  /** Forgets everything pending (the connection is gone). */
  clear(): void {
    this.#clock.cancel(this.#timer);
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

  /**
   * Fires what is due in time order; an arrival due with the end of a send comes first, so that
   * whoever is told "sent" already sees those bytes delivered (the socket's back-pressure).
   */
  #run(): void {
    const due = this.#clock.now() + EARLY_MS;
    for (;;) {
      const arrivalAt = this.#inFlight.peek()?.at ?? Number.POSITIVE_INFINITY;
      const sentAt = this.#sent.peek()?.at ?? Number.POSITIVE_INFINITY;
      if (Math.min(arrivalAt, sentAt) > due) break;
      if (arrivalAt <= sentAt) {
        const f = this.#inFlight.shift() as InFlight;
        this.#pendingBytes -= f.bytes;
        f.arrive(f.slice);
      } else {
        (this.#sent.shift() as { done: () => void }).done();
      }
    }
    const next = Math.min(
      this.#sent.peek()?.at ?? Number.POSITIVE_INFINITY,
      this.#inFlight.peek()?.at ?? Number.POSITIVE_INFINITY,
    );
    if (next === Number.POSITIVE_INFINITY || next >= this.#timerAt) return;
    this.#clock.cancel(this.#timer);
    this.#timerAt = next;
    this.#timer = this.#clock.schedule(this.#onTimer, Math.max(1, next - this.#clock.now()));
  }
}
