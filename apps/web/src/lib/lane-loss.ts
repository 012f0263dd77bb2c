import type { LaneView } from "./lab-view.ts";
import { explainLoss } from "./loss-risk.ts";

/** What explaining a loss needs beyond the lane. */
export interface LossContext {
  /** The generator's rate now (null: unknown or stopped). */
  readonly rate: number | null;
  readonly pollIntervalMs: number;
  /** The server's `HISTORY` (null: not known). */
  readonly historySize: number | null;
}

/** Seqs a lane never got because a reset skipped them (the client's count, across its clients). */
export function laneLost(lane: LaneView): number {
  return lane.figures?.metrics.lost ?? 0;
}

/** How long the lane was away before its last reset: from its last drop to the resume after it. */
export function awayBefore(lane: LaneView): number | null {
  const reset = lane.lastReset;
  if (reset === null) return null;
  const before = lane.events.filter((e) => e.at <= reset.at);
  const drop = before.findLast((e) => e.kind === "drop");
  if (drop === undefined) return null;
  const back = before.find((e) => e.kind === "resume" && e.at >= drop.at) ?? null;
  return (back?.at ?? reset.at) - drop.at;
}

/** The sentence under a panel that lost messages. */
export function lossWords(lane: LaneView, lost: number, context: LossContext): string {
  return explainLoss(lane.transport, lost, { ...context, awayMs: awayBefore(lane) });
}
