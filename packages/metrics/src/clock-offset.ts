/** One round trip to the server's clock: client send time, server time in the answer, client receive time (ms). */
export interface ClockSample {
  readonly t0: number;
  readonly serverTime: number;
  readonly t1: number;
}

/**
 * Server clock minus client clock, from the round trip with the lowest RTT. The true offset lies
 * within ±`uncertainty` (= rtt / 2) of `offset` if the server stamped the time anywhere in the trip.
 */
export interface ClockOffset {
  readonly offset: number;
  readonly rtt: number;
  readonly uncertainty: number;
  /** Samples accepted so far. */
  readonly samples: number;
  /**
   * How fast the server clock runs against the client's, in ppm (µs per s), once a
   * {@link ClockTracker} has rounds far enough apart to tell; absent or null until then.
   */
  readonly driftPpm?: number | null;
  /** Client time (ms) at which `offset` holds; {@link offsetAt} extrapolates from it with `driftPpm`. */
  readonly at?: number;
}

/** The offset at client time `time`: `offset` moved on by the drift since `at` (unchanged without a drift). */
export function offsetAt(clock: ClockOffset, time: number): number {
  const { driftPpm, at } = clock;
  return driftPpm === undefined || driftPpm === null || at === undefined
    ? clock.offset
    : clock.offset + driftPpm * 1e-6 * (time - at);
}

/** Keeps the best (lowest-RTT) NTP-style offset estimate over the samples added to it. */
export interface ClockOffsetEstimator {
  /** Adds a sample; returns false (and ignores it) when a time is not finite or t1 < t0. */
  add(sample: ClockSample): boolean;
  /** Best estimate so far, null before the first accepted sample. */
  readonly best: ClockOffset | null;
}

/** Options for {@link estimateClockOffset}. */
export interface EstimateClockOffsetOptions {
  /** Round trips to make, one after the other (default 5). */
  readonly samples?: number;
  /** Client clock in ms on the server's epoch (default `performance.timeOrigin + performance.now()`). */
  readonly now?: () => number;
}

/** Creates an empty estimator. */
export function createClockOffsetEstimator(): ClockOffsetEstimator {
  let best: { offset: number; rtt: number } | null = null;
  let samples = 0;
  return {
    add({ t0, serverTime, t1 }) {
      if (!Number.isFinite(t0) || !Number.isFinite(serverTime) || !Number.isFinite(t1) || t1 < t0)
        return false;
      samples++;
      const rtt = t1 - t0;
      // Strictly lower: on a tie the earlier sample stays, so the estimate does not jitter.
      if (best === null || rtt < best.rtt) best = { offset: serverTime - (t0 + t1) / 2, rtt };
      return true;
    },
    get best() {
      return best === null
        ? null
        : { offset: best.offset, rtt: best.rtt, uncertainty: best.rtt / 2, samples };
    },
  };
}

/**
 * Runs `ping` (which resolves to the server's wall clock, e.g. `GET /api/time` or a WS ping's pong)
 * `samples` times in sequence and returns the lowest-RTT estimate. A rejected ping rejects the whole.
 */
export async function estimateClockOffset(
  ping: () => Promise<number>,
  options: EstimateClockOffsetOptions = {},
): Promise<ClockOffset> {
  const { samples = 5, now = () => performance.timeOrigin + performance.now() } = options;
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError("samples must be an integer ≥ 1");
  const estimator = createClockOffsetEstimator();
  for (let i = 0; i < samples; i++) {
    const t0 = now();
    const serverTime = await ping();
    const t1 = now();
    estimator.add({ t0, serverTime, t1 });
  }
  const best = estimator.best;
  if (best === null) throw new Error("no usable clock sample (server time not a finite number?)");
  return best;
}

/**
 * Delivery latency in ms of an envelope stamped `envelopeTime` on the server clock and received at
 * `receiveTime` on the client clock: receiveTime + offset is the receive time on the server clock.
 */
export function deliveryLatency(receiveTime: number, envelopeTime: number, offset: number): number {
  return receiveTime + offset - envelopeTime;
}
