import type { RedisChannelLog } from "./redis-channel-log.ts";

/** Shortest time between two renewals (with the smallest `CHANNEL_IDLE_MS`, 1 s). */
const MIN_EVERY_MS = 250;
/** Longest: also below what a Node timer takes (2^31 ms; a longer one fires at once, every ms). */
const MAX_EVERY_MS = 3_600_000;

/** Renews the expiry of the logs an instance holds; see {@link RedisChannelLog.keepAlive}. */
export interface LogKeeper {
  /** Renews `log` now (a channel just held), then with the others. */
  keep(log: RedisChannelLog): void;
  stop(): void;
}

/**
 * Renews the expiry of every log `held()` gives four times per `CHANNEL_IDLE_MS` (at least once an
 * hour), so that a held channel's stream never expires: its messages and numbering stay while
 * anyone holds it on any instance, and the idle time counts from when the last one let go. A
 * renewal that fails (Redis unreachable) is tried again at the next round.
 */
export function createLogKeeper(held: () => Iterable<RedisChannelLog>, idleMs: number): LogKeeper {
  const renew = (log: RedisChannelLog) => log.keepAlive().catch(() => {});
  const timer = setInterval(
    () => {
      for (const log of held()) renew(log);
    },
    Math.min(MAX_EVERY_MS, Math.max(MIN_EVERY_MS, Math.floor(idleMs / 4))),
  );
  timer.unref();
  return {
    keep: renew,
    stop: () => clearInterval(timer),
  };
}
