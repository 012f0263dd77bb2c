/** Reconnection delays: capped exponential backoff with full jitter. */
export interface BackoffOptions {
  /** Ceiling of the first delay in ms. */
  readonly initialMs: number;
  /** Cap on the ceiling, in ms. */
  readonly maxMs: number;
  /** Growth of the ceiling per attempt. */
  readonly factor: number;
  /** Uniform random in [0, 1); injectable for tests. */
  readonly random?: () => number;
}

/** Defaults: 0–250 ms, doubling, capped at 10 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, factor: 2 };

/**
 * The ceiling for attempt `n` (0-based): `min(maxMs, initialMs * factor^n)`.
 * Full jitter then picks uniformly below it, which spreads a crowd of clients
 * cut at the same instant (AWS Architecture Blog, "Exponential Backoff And Jitter").
 */
export function backoffCeiling(attempt: number, options: BackoffOptions): number {
  return Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
}

/** The delay before reconnection attempt `n` (0-based): uniform in [0, ceiling). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  return Math.floor(random() * backoffCeiling(attempt, options));
}

/** Counts consecutive failures and yields the next delay; `reset()` after a successful open. */
export class Backoff {
  #attempt = 0;

  constructor(readonly options: BackoffOptions) {}

  /** Consecutive attempts since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay for the next attempt, advancing the attempt counter. */
  next(): number {
    const delay = backoffDelay(this.#attempt, this.options);
    this.#attempt += 1;
    return delay;
  }

  /** Back to the first attempt. */
  reset(): void {
    this.#attempt = 0;
  }
}
