import type { DecisionWhy, TransportDecision } from "@transport-lab/client";
import type { TransportName } from "@transport-lab/protocol";
import { formatMs } from "./format.ts";
import { TRANSPORT_STYLE } from "./transport-info.ts";

const WHY: Record<DecisionWhy, string> = {
  first: "first in the order",
  remembered: "remembered from this tab",
  fallback: "the one before it failed",
  reconnect: "trying again",
  upgrade: "background check of a better transport",
};

const name = (t: TransportName) => TRANSPORT_STYLE[t].label;

/** One decision of Auto in three short sentences: what happened, what that means, what it does now. */
export interface DecisionWords {
  readonly why: string;
  readonly outcome: string;
  /** The reachability check's verdict, or empty. */
  readonly check: string;
  readonly next: string;
}

/** A decision in words for the timeline. */
export function decisionWords(d: TransportDecision): DecisionWords {
  const took = formatMs(d.tookMs);
  const outcome =
    d.outcome === "opened"
      ? `opened in ${took}`
      : d.outcome === "timeout"
        ? `no hello within ${took}`
        : `failed after ${took} (${d.reason})`;
  const check =
    d.check === null
      ? ""
      : d.check.reachable
        ? `The server answered plain HTTP (GET /api/time) in ${formatMs(d.check.tookMs)}: ${name(d.tried)} is what fails on the way.`
        : `The server did not answer plain HTTP either: it is away, not ${name(d.tried)} blocked.`;
  return { why: WHY[d.why], outcome, check, next: actionWords(d) };
}

function actionWords(d: TransportDecision): string {
  switch (d.action) {
    case "use":
      return `Uses ${name(d.next)}.`;
    case "retry":
      return `Tries ${name(d.next)} again.`;
    case "fall_back":
      return `Falls back to ${name(d.next)}.`;
    case "move_up":
      return `Moves up to ${name(d.next)}, resuming from the cursor.`;
    case "stay":
      return `Stays on ${name(d.next)}; checks again later.`;
    case "give_up":
      return "Gives up: the last transport was refused for good.";
    default: {
      const never: never = d.action;
      return never;
    }
  }
}
