/**
 * A fixed-capacity FIFO that overwrites its oldest item: every list the UI
 * keeps (recent messages, wire events, chat lines) is one of these, so memory
 * stays bounded at any message rate.
 */
export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;
  /** Items ever pushed, evicted ones included. */
  #total = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be an integer ≥ 1");
    this.#items = new Array<T | undefined>(capacity);
  }

  /** Appends one item, evicting the oldest when full. */
  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
    this.#total += 1;
  }

  /** Number of retained items. */
  get size(): number {
    return this.#size;
  }

  /** Items pushed since creation or the last clear, evicted ones included. */
  get total(): number {
    return this.#total;
  }

  /** The retained items, oldest first (a new array). */
  toArray(): T[] {
    const out: T[] = [];
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(start + i) % this.capacity] as T);
    return out;
  }

  /** The newest `count` items, newest first. */
  latest(count: number): T[] {
    const out: T[] = [];
    const n = Math.min(count, this.#size);
    for (let i = 1; i <= n; i++) out.push(this.#items[(this.#next - i + this.capacity) % this.capacity] as T);
    return out;
  }

  /** Drops every item and zeroes the total. */
  clear(): void {
    this.#items.fill(undefined);
    this.#next = 0;
    this.#size = 0;
    this.#total = 0;
  }
}
