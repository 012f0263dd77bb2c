import type { TransportName } from "@transport-lab/protocol";

/**
 * Why `transport: "auto"` tried a transport: `first` of the order; `remembered`: this tab's last
 * working choice; `fallback`: the one before it failed; `reconnect`: it is the current transport
 * trying again (after a drop, or a failed attempt); `upgrade`: a background check of a better one.
 */
export type DecisionWhy = "first" | "remembered" | "fallback" | "reconnect" | "upgrade";

/**
 * How the attempt ended: `opened` (its first hello or answer arrived in time), `failed` (it
 * ended before that, with the drop in `reason`) or `timeout` (nothing arrived in time).
 */
export type DecisionOutcome = "opened" | "failed" | "timeout";

/**
 * What the client does about it: `use` the transport that opened; `retry` the same transport
 * (with backoff); `fall_back` to `next`; `move_up` to `next`, a better transport that a background
 * check found working; `stay` on the current one (a background check failed); `give_up`: the last
 * transport was refused for good and the client closes.
 */
export type DecisionAction = "use" | "retry" | "fall_back" | "move_up" | "stay" | "give_up";

/** Whether the server answered a plain `GET /api/time` after a transport failed, and how fast. */
export interface ReachabilityCheck {
  readonly reachable: boolean;
  readonly tookMs: number;
}

/** One decision of `transport: "auto"`: what was tried, how it went, why, and what the client does next. */
export interface TransportDecision {
  /** Client wall clock when the outcome was known, ms since 1970. */
  readonly at: number;
  readonly tried: TransportName;
  readonly why: DecisionWhy;
  readonly outcome: DecisionOutcome;
  /** In words: the hello's cursor, the drop (`http_error: HTTP 403`), or the timeout. */
  readonly reason: string;
  /** From the attempt's start to its outcome. */
  readonly tookMs: number;
  /** After a failure without an HTTP status: the check that tells a blocked transport from a server that is down. */
  readonly check: ReachabilityCheck | null;
  readonly action: DecisionAction;
  /** The transport the client uses or tries next. */
  readonly next: TransportName;
}
