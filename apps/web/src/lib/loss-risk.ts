import type { TransportName } from "@transport-lab/protocol";
import { formatCount, formatMs } from "./format.ts";
import type { LaneName } from "./lane-names.ts";

/** A warning, before anything is lost, that a setting will or may lose messages. */
export interface LossRisk {
  readonly transport: TransportName | "all";
  /** `will`: every poll loses some; `may`: a short stall (a busy page, a slow network) is enough. */
  readonly level: "will" | "may";
  readonly text: string;
}

/** Below this much history in seconds, an ordinary outage (a server restart) outlasts it. */
const OUTAGE_WORTH_SAYING_S = 60;

/** Below this much history in seconds, a long poll's round trip between answers can outlast it. */
const LONG_POLL_MARGIN_S = 0.5;

/** How long the server's history lasts at `rate` msg/s, in seconds (Infinity when nothing is published). */
export function historySeconds(historySize: number, rate: number): number {
  return rate > 0 ? historySize / rate : Number.POSITIVE_INFINITY;
}

/**
 * What the generator rate and the poll interval will cost against the server's history, before it
 * happens: a poller that asks less often than the history lasts finds the messages it has not seen
 * already gone (the server resets it past them: they are lost).
 */
export function lossRisks(rate: number, pollIntervalMs: number, historySize: number): LossRisk[] {
  if (!(rate > 0) || !(historySize > 0)) return [];
  const window = historySeconds(historySize, rate);
  const kept = `The server keeps the last ${formatCount(historySize)} messages of a channel: at ${formatCount(rate)} msg/s that is ${formatMs(window * 1000)} of history.`;
  const risks: LossRisk[] = [];
  const perPoll = (rate * pollIntervalMs) / 1000;
  if (perPoll > historySize) {
    const share = Math.round(((perPoll - historySize) / perPoll) * 100);
    const fasterPoll = Math.max(100, Math.floor(window * 1000 * 0.8));
    risks.push({
      transport: "poll",
      level: "will",
      text: `${kept} Interval polling asks every ${formatMs(pollIntervalMs)}, when ${formatCount(perPoll)} new messages have come: about ${share}% of them will be gone before it asks, and count as lost. Poll every ${formatMs(fasterPoll)} or less, lower the rate below ${formatCount(Math.floor((historySize * 1000) / pollIntervalMs))} msg/s, or start the server with HISTORY=${formatCount(Math.ceil(perPoll * 2)).replaceAll(",", "")}.`,
    });
  }
  if (window < LONG_POLL_MARGIN_S) {
    risks.push({
      transport: "longPoll",
      level: "may",
      text: `${kept} Long polling asks again after every answer, but if the page or the network stalls for longer than that between two requests, the messages in between are gone.`,
    });
  }
  // Only worth saying when an ordinary outage (a restart, a minute on a train) is long enough.
  if (window < OUTAGE_WORTH_SAYING_S)
    risks.push({
      transport: "all",
      level: "may",
      text: `Any transport that is disconnected for more than ${formatMs(window * 1000)} (a dropped network, a server restart, a paused panel) comes back to find the messages it missed no longer kept.`,
    });
  return risks;
}

/** Why a lane lost messages, in words a student understands. */
export function explainLoss(
  transport: LaneName,
  lost: number,
  context: {
    readonly rate: number | null;
    readonly pollIntervalMs: number;
    readonly historySize: number | null;
    readonly awayMs: number | null;
  },
): string {
  const kept =
    context.historySize === null
      ? "The server keeps only a limited history per channel"
      : `The server keeps only the last ${formatCount(context.historySize)} messages of a channel`;
  const count = `${formatCount(lost)} message${lost === 1 ? "" : "s"}`;
  if (context.awayMs !== null && context.awayMs > 1000) {
    return `${count} lost: this transport was away for ${formatMs(context.awayMs)}. ${kept}; when it came back, the ones it had missed were no longer there, so it skipped to the oldest message still kept.`;
  }
  if (transport === "poll" && context.rate !== null && context.rate > 0) {
    const perPoll = (context.rate * context.pollIntervalMs) / 1000;
    return `${count} lost: between two polls (every ${formatMs(context.pollIntervalMs)}) about ${formatCount(perPoll)} new messages arrive at ${formatCount(context.rate)} msg/s. ${kept}, so the oldest of them were gone before the next poll asked, and it skipped to the oldest message still kept.`;
  }
  return `${count} lost: ${kept}, and this transport fell further behind than that (more messages arrived before it asked again than the history holds), so it skipped to the oldest message still kept.`;
}
