import { createHmac } from "node:crypto";
import type { LogState } from "../channel-log.ts";

/**
 * The meta hash (epoch, last seq) outlives the messages this many times over, so that a client
 * back after the messages went gets `expired`. Once it is gone too, Redis has forgotten the log,
 * and the channel comes back in a new epoch (see {@link emptyLogState}).
 */
export const REMEMBER_FACTOR = 30;

/**
 * The epoch of a channel Redis has no log of changes every this many idle times. A log is
 * forgotten no sooner than {@link REMEMBER_FACTOR} idle times after it began, so no two lives of
 * a channel share an epoch, even with instance clocks up to 20 idle times apart.
 */
export const EPOCH_SPAN_FACTOR = 10;

/**
 * The state of a channel Redis has no log of: the epoch its first message will have, an HMAC of
 * its name and the current span with the data set's secret. Every instance computes the same one
 * (a Redis that lost its data has a new secret, so new epochs); a new span begins every
 * {@link EPOCH_SPAN_FACTOR} × `CHANNEL_IDLE_MS`.
 */
export function emptyLogState(secret: string, channel: string, idleMs: number, now = Date.now()): LogState {
  const span = Math.floor(now / (idleMs * EPOCH_SPAN_FACTOR));
  const epoch = createHmac("sha256", secret).update(`${channel}:${span}`).digest("base64url").slice(0, 12);
  return { epoch, seq: 0, oldestSeq: 1, bytes: 0 };
}
