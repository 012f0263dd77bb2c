import { formatCursor, parseCursor } from "@transport-lab/protocol";

/** What {@link Sequencer.accept} decided about one envelope. */
export const Verdict = {
  /** Next in order: deliver it. */
  deliver: 0,
  /** Already delivered: dropped and counted. */
  duplicate: 1,
  /** Ahead of the next expected seq: a hole opened; dropped, counted, and the caller should resume from the cursor. */
  gap: 2,
  /** Ahead of the next expected seq while a hole is already open: dropped and counted as discarded. */
  discard: 3,
  /** Next in order, but a higher seq was seen before it: deliver it, and count a reorder. */
  deliverReordered: 4,
} as const;
/** One of {@link Verdict}. */
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** Delivery anomalies, counted and never hidden. */
export interface DeliveryCounts {
  /** Envelopes handed to the caller. */
  delivered: number;
  /** Envelopes whose seq was already delivered (dropped). */
  duplicates: number;
  /** Times a seq arrived beyond the next expected one (a hole opened). */
  gaps: number;
  /** Seqs skipped over when those holes opened. */
  missing: number;
  /** Envelopes beyond the hole dropped while waiting for the resend. */
  discarded: number;
  /** Envelopes that arrived after a higher seq had already been seen. */
  reordered: number;
  /** Resets: the server's (epoch change, expired cursor) and refused cursors (`bad_cursor`). */
  resets: number;
  /** Seqs the resets skipped: never delivered (see {@link Sequencer.reset}). */
  lost: number;
}

/**
 * Turns whatever a transport hands over back into one ordered, exactly-once
 * stream, tracking the cursor that the next connection resumes from. The
 * server numbers messages 1, 2, 3 … without gaps, so anything else is counted.
 */
export class Sequencer {
  /** Epoch of the tracked position; undefined until the server told us where we are. */
  epoch: string | undefined;
  /** Last delivered seq (or the position the server started us at). */
  lastSeq = 0;
  readonly counts: DeliveryCounts = {
    delivered: 0,
    duplicates: 0,
    gaps: 0,
    missing: 0,
    discarded: 0,
    reordered: 0,
    resets: 0,
    lost: 0,
  };
  #highestSeen = 0;
  #awaitingResend = false;
  #cursor: string | undefined;
  #initial: string | undefined;

  /** `initial` is the user's `cursor` option: absent (live), `earliest` or `<epoch>:<seq>`. */
  constructor(initial?: string) {
    const parsed = parseCursor(initial);
    if (parsed === null) throw new TypeError(`not a cursor: ${JSON.stringify(initial)}`);
    if (parsed.kind === "at") this.#set(parsed.epoch, parsed.seq);
    this.#initial = parsed.kind === "earliest" ? "earliest" : undefined;
  }

  /** `<epoch>:<lastSeq>` once known, else the initial request (`earliest` or undefined for live). */
  get cursor(): string | undefined {
    return this.position ?? this.#initial;
  }

  /** True once a position is known (the next connection resumes instead of starting). */
  get positioned(): boolean {
    return this.epoch !== undefined;
  }

  /** The server said where delivery starts (hello, poll answer); adopted only when no position is known yet. */
  start(cursor: string): void {
    if (this.epoch !== undefined) return;
    const parsed = parseCursor(cursor);
    if (parsed?.kind === "at") this.#set(parsed.epoch, parsed.seq);
  }

  /**
   * The server reset us: delivery continues after `cursor`. Returns the seqs this skips: within
   * the same epoch those between the last delivered one and the cursor; into another epoch the
   * new epoch's seqs up to the cursor (what the old epoch held after our position is unknowable).
   */
  reset(cursor: string): number {
    const parsed = parseCursor(cursor);
    if (parsed?.kind !== "at") return 0;
    const lost = parsed.epoch === this.epoch ? Math.max(0, parsed.seq - this.lastSeq) : parsed.seq;
    this.counts.resets += 1;
    this.counts.lost += lost;
    this.#awaitingResend = false;
    this.#set(parsed.epoch, parsed.seq);
    return lost;
  }

  /** The server refused our cursor: forget the position and ask for `earliest` next; counted as a reset. */
  forget(): void {
    this.counts.resets += 1;
    this.epoch = undefined;
    this.lastSeq = 0;
    this.#highestSeen = 0;
    this.#awaitingResend = false;
    this.#cursor = undefined;
    this.#initial = "earliest";
  }

  /** Classifies one envelope's seq, advancing the cursor when it is delivered. */
  accept(seq: number): Verdict {
    const expected = this.lastSeq + 1;
    if (seq === expected) {
      this.#awaitingResend = false;
      this.lastSeq = seq;
      this.#cursor = undefined;
      this.counts.delivered += 1;
      if (seq >= this.#highestSeen) {
        this.#highestSeen = seq;
        return Verdict.deliver;
      }
      this.counts.reordered += 1;
      return Verdict.deliverReordered;
    }
    if (seq < expected) {
      this.counts.duplicates += 1;
      return Verdict.duplicate;
    }
    if (seq > this.#highestSeen) this.#highestSeen = seq;
    if (this.#awaitingResend) {
      this.counts.discarded += 1;
      return Verdict.discard;
    }
    this.#awaitingResend = true;
    this.counts.gaps += 1;
    this.counts.missing += seq - expected;
    return Verdict.gap;
  }

  /** The cursor string, built lazily (accept() stays allocation-free). */
  get position(): string | undefined {
    if (this.epoch === undefined) return undefined;
    this.#cursor ??= formatCursor(this.epoch, this.lastSeq);
    return this.#cursor;
  }

  #set(epoch: string, seq: number): void {
    this.epoch = epoch;
    this.lastSeq = seq;
    this.#highestSeen = seq;
    this.#cursor = undefined;
  }
}
