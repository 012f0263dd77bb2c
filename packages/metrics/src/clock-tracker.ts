import type { ClockOffset } from "./clock-offset.ts";

/** Options for {@link createClockTracker}. */
export interface ClockTrackerOptions {
  /** One round trip: resolves with the server's wall clock (a WS ping's pong, `GET /api/time`). */
  readonly ping: () => Promise<number>;
  /** Called after each round, e.g. to close the connection the pings used. */
  readonly afterRound?: () => void;
  /** Client clock in ms on the server's epoch (default `performance.timeOrigin + performance.now()`). */
  readonly now?: () => number;
  /** Round trips in the first round (default 5). */
  readonly samples?: number;
  /** Round trips in each later round (default 3). */
  readonly roundSamples?: number;
  /** Time between rounds in ms (default 30 000); 0 runs the first round only. */
  readonly intervalMs?: number;
  /** Rounds kept for the estimate and the drift (default 20: ten minutes at 30 s). */
  readonly keep?: number;
}

/** A clock offset kept up to date over a whole session. */
export interface ClockTracker {
  /** The best estimate now; null before the first round. */
  readonly current: ClockOffset | null;
  /** Runs the first round now and then one every `intervalMs`; resolves with the first estimate. */
  start(): Promise<ClockOffset>;
  /** Runs one round now (a no-op while one runs); resolves with the estimate after it. */
  round(): Promise<ClockOffset | null>;
  /** Calls `listener` with every new estimate; returns the function that removes it. */
  onChange(listener: (clock: ClockOffset) => void): () => void;
  /** Stops the rounds; the last estimate stays. */
  stop(): void;
}

/** The best sample of one round. */
interface Round {
  readonly offset: number;
  readonly rtt: number;
  /** Client time of the round trip's midpoint. */
  readonly mid: number;
}

/** Drift is estimated once the kept rounds span this long: over shorter spans RTT noise dominates. */
const MIN_DRIFT_SPAN_MS = 60_000;
/**
 * A round whose offset is further than this (plus its own RTT) from the prediction means a clock
 * stepped (a laptop slept, the wall clock was set): what was learned before no longer holds.
 */
const STEP_MS = 5;

/**
 * Keeps a clock offset as good as the round trips allow for as long as it runs: a first round of
 * samples, then a few more every `intervalMs`. From each round the lowest-RTT sample is kept
 * (NTP-style: the shortest trip bounds the offset best); the estimate is the kept round with
 * the lowest RTT, moved on by the drift, which is a weighted least-squares fit of the kept
 * rounds' offsets over time (weights 1 / rtt², so slow trips count little).
 */
export function createClockTracker(options: ClockTrackerOptions): ClockTracker {
  const { ping, afterRound, now = () => performance.timeOrigin + performance.now() } = options;
  const firstSamples = options.samples ?? 5;
  const roundSamples = options.roundSamples ?? 3;
  const intervalMs = options.intervalMs ?? 30_000;
  const keep = options.keep ?? 20;
  if (!Number.isInteger(firstSamples) || firstSamples < 1)
    throw new RangeError("samples must be an integer ≥ 1");
  const rounds: Round[] = [];
  const listeners = new Set<(clock: ClockOffset) => void>();
  let samples = 0;
  let current: ClockOffset | null = null;
  let running: Promise<ClockOffset | null> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  /** ppm, or null while the rounds span too little time. */
  function drift(): number | null {
    const first = rounds[0];
    const last = rounds[rounds.length - 1];
    if (
      rounds.length < 3 ||
      first === undefined ||
      last === undefined ||
      last.mid - first.mid < MIN_DRIFT_SPAN_MS
    )
      return null;
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (const r of rounds) {
      const w = 1 / Math.max(r.rtt, 1e-3) ** 2;
      sw += w;
      sx += w * r.mid;
      sy += w * r.offset;
    }
    const mx = sx / sw;
    const my = sy / sw;
    let sxx = 0;
    let sxy = 0;
    for (const r of rounds) {
      const w = 1 / Math.max(r.rtt, 1e-3) ** 2;
      sxx += w * (r.mid - mx) ** 2;
      sxy += w * (r.mid - mx) * (r.offset - my);
    }
    return sxx > 0 ? (sxy / sxx) * 1e6 : null;
  }

  function estimate(at: number): ClockOffset | null {
    let best: Round | undefined;
    for (const r of rounds) if (best === undefined || r.rtt < best.rtt) best = r;
    if (best === undefined) return null;
    const driftPpm = drift();
    const offset = best.offset + (driftPpm ?? 0) * 1e-6 * (at - best.mid);
    return { offset, rtt: best.rtt, uncertainty: best.rtt / 2, samples, driftPpm, at };
  }

  function add(round: Round): void {
    const predicted = estimate(round.mid);
    if (predicted !== null && Math.abs(round.offset - predicted.offset) > STEP_MS + round.rtt)
      rounds.length = 0;
    rounds.push(round);
    if (rounds.length > keep) rounds.shift();
    current = estimate(now());
    if (current !== null) for (const listener of [...listeners]) listener(current);
  }

  async function runRound(count: number): Promise<ClockOffset | null> {
    let best: Round | undefined;
    try {
      for (let i = 0; i < count; i++) {
        const t0 = now();
        const serverTime = await ping();
        const t1 = now();
        if (!Number.isFinite(t0) || !Number.isFinite(serverTime) || !Number.isFinite(t1) || t1 < t0) continue;
        samples++;
        const rtt = t1 - t0;
        // Strictly lower: on a tie the earlier sample stays, so the estimate does not jitter.
        if (best === undefined || rtt < best.rtt)
          best = { offset: serverTime - (t0 + t1) / 2, rtt, mid: (t0 + t1) / 2 };
      }
    } finally {
      afterRound?.();
    }
    if (best !== undefined) add(best);
    return current;
  }

  function round(count = roundSamples): Promise<ClockOffset | null> {
    running ??= runRound(count).finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    get current() {
      return current;
    },
    async start() {
      const first = await round(firstSamples);
      if (first === null) throw new Error("no usable clock sample (server time not a finite number?)");
      if (intervalMs > 0 && timer === undefined) {
        // A failed later round (the connection went away) leaves the estimate as it was.
        timer = setInterval(() => void round().catch(() => undefined), intervalMs);
      }
      return first;
    },
    round: () => round(),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
