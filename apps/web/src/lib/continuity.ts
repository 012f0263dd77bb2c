import type { LaneName } from "./lane-names.ts";

/** One transport switch in single mode and what it proved. */
export interface SwitchRecord {
  readonly from: LaneName;
  readonly to: LaneName;
  /** Client wall clock when the switch was asked for. */
  readonly at: number;
  /** The cursor the new transport resumes from. */
  readonly cursor: string | undefined;
  /** Last seq delivered before the switch (0 when none yet). */
  readonly lastSeqBefore: number;
  /** First seq delivered after it; null until one arrives. */
  readonly firstSeqAfter: number | null;
  /** Another switch came before any message did (Auto leaving a transport that never worked). */
  readonly superseded: boolean;
}

/** Whether a switch lost or repeated anything, in words for the page. */
export function switchVerdict(
  record: SwitchRecord,
): "waiting" | "superseded" | "seamless" | "lost" | "repeated" {
  if (record.firstSeqAfter === null) return record.superseded ? "superseded" : "waiting";
  if (record.firstSeqAfter === record.lastSeqBefore + 1) return "seamless";
  return record.firstSeqAfter > record.lastSeqBefore + 1 ? "lost" : "repeated";
}

/**
 * The page's own check of what a client delivered, independent of the
 * client's sequencer: within an epoch every seq must be the previous one + 1.
 * It also records transport switches and the first seq after each.
 */
export class ContinuityCheck {
  /** Envelopes seen. */
  delivered = 0;
  /** Times a seq came more than one ahead (messages lost to this page). */
  skips = 0;
  /** Seqs skipped over in total. */
  skipped = 0;
  /** Times a seq came again or went backwards (repeated to this page). */
  repeats = 0;
  /** Server resets seen (a new epoch or an expired cursor restarts the count). */
  resets = 0;
  /** Seqs that `expired` resets jumped over: published, never delivered to this page. */
  lost = 0;
  lastSeq = 0;
  #switches: SwitchRecord[] = [];
  #expectFresh = true;

  /** Where delivery starts (a hello or poll's cursor seq): the next seq must be this + 1. */
  start(seq: number): void {
    this.lastSeq = seq;
    this.#expectFresh = false;
  }

  /**
   * The server reset the position to `seq` (null: to somewhere unknown, e.g. a refused cursor;
   * the next seq is then taken as it comes). Not a gap in delivery, but with `sameEpoch` (an
   * `expired` cursor: the history no longer held the next message) every seq between the last
   * one delivered and `seq` is lost. Returns how many, or null when it cannot be known (a new
   * epoch: how far the old one went is not said).
   */
  reset(seq: number | null, sameEpoch = false): number | null {
    this.resets += 1;
    const known = !this.#expectFresh;
    if (seq === null) {
      this.#expectFresh = true;
      return null;
    }
    const lost = sameEpoch && known ? Math.max(0, seq - this.lastSeq) : null;
    if (lost !== null) this.lost += lost;
    this.lastSeq = seq;
    this.#expectFresh = false;
    return lost;
  }

  /** One delivered envelope's seq. */
  accept(seq: number): void {
    this.delivered += 1;
    if (this.#expectFresh) {
      this.#expectFresh = false;
    } else if (seq > this.lastSeq + 1) {
      this.skips += 1;
      this.skipped += seq - this.lastSeq - 1;
    } else if (seq <= this.lastSeq) {
      this.repeats += 1;
    }
    const last = this.#switches[this.#switches.length - 1];
    if (last !== undefined && last.firstSeqAfter === null) {
      this.#switches[this.#switches.length - 1] = { ...last, firstSeqAfter: seq };
    }
    this.lastSeq = seq;
  }

  /** A switch from `from` to `to` is starting, resuming from `cursor`. */
  switched(from: LaneName, to: LaneName, at: number, cursor: string | undefined): void {
    const last = this.#switches.length - 1;
    const before = this.#switches[last];
    if (before !== undefined && before.firstSeqAfter === null)
      this.#switches[last] = { ...before, superseded: true };
    this.#switches.push({
      from,
      to,
      at,
      cursor,
      lastSeqBefore: this.lastSeq,
      firstSeqAfter: null,
      superseded: false,
    });
    if (this.#switches.length > 20) this.#switches.shift();
  }

  /** The recorded switches, oldest first (at most 20). */
  get switches(): readonly SwitchRecord[] {
    return this.#switches;
  }
}
