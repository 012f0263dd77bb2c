import { type Cursor, formatCursor, type ResetReason } from "@transport-lab/protocol";
import type { LogState } from "./channel-log.ts";
import { ApiError } from "./errors.ts";

/** Where a delivery starts: every message with seq > `afterSeq`. */
export interface StartPoint {
  readonly afterSeq: number;
  /** `<epoch>:<afterSeq>`, the cursor the client holds once it has nothing new. */
  readonly cursor: string;
  readonly reset?: ResetReason;
}

/**
 * Applies the cursor rules of docs/protocol.md §1: live starts at the head, `earliest` at the
 * oldest retained message, a current cursor resumes exactly, an old epoch or
 * a dropped seq resets to the oldest retained message, a seq past the head is
 * a 400.
 */
export function resolveCursor(state: LogState, cursor: Cursor): StartPoint {
  const at = (afterSeq: number, reset?: ResetReason): StartPoint =>
    reset === undefined
      ? { afterSeq, cursor: formatCursor(state.epoch, afterSeq) }
      : { afterSeq, cursor: formatCursor(state.epoch, afterSeq), reset };
  switch (cursor.kind) {
    case "live":
      return at(state.seq);
    case "earliest":
      return at(state.oldestSeq - 1);
    case "at":
      if (cursor.epoch !== state.epoch) return at(state.oldestSeq - 1, "epoch");
      if (cursor.seq > state.seq) {
        throw new ApiError(
          400,
          "bad_cursor",
          `cursor seq ${cursor.seq} is beyond the channel head ${state.seq} of epoch ${state.epoch}`,
        );
      }
      if (cursor.seq < state.oldestSeq - 1) return at(state.oldestSeq - 1, "expired");
      return at(cursor.seq);
  }
}
