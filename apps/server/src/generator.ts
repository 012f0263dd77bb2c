import type { GeneratorState } from "@transport-lab/protocol";

/** Options of {@link createGenerator}. */
export interface GeneratorOptions {
  channel: string;
  /** Publishes one already-serialized `data` JSON. */
  publish: (dataJson: string) => void;
  /** True while any client uses the channel; the generator stops after `idleMs` without one. */
  hasClients: () => boolean;
  idleMs: number;
}

/** Most messages one timer tick may catch up on, so a stalled loop cannot burst unboundedly. */
const MAX_CATCH_UP = 500;

/**
 * `{"tick":n,"pad":"…"}` padded so that its JSON is `payloadBytes` long (or as short as possible).
 * `padding` (at least `payloadBytes` of "x") is made once per generator setting: repeating it per
 * message would allocate up to 64 KiB for each of 5,000 messages a second.
 */
export function generatorData(
  tick: number,
  payloadBytes: number,
  padding = "x".repeat(payloadBytes),
): string {
  const head = `{"tick":${tick},"pad":"`;
  const pad = Math.max(0, payloadBytes - head.length - 2);
  return `${head}${padding.slice(0, pad)}"}`;
}

/**
 * A per-channel message generator. Messages are scheduled at exact times
 * (start + n/rate), so a late timer catches up instead of silently lowering
 * the rate.
 */
export function createGenerator(opts: GeneratorOptions) {
  let rate = 0;
  let payloadBytes = 64;
  let padding = "";
  let tick = 0;
  let startedAt = 0;
  let sent = 0;
  let idleSince: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
    rate = 0;
  };

  const run = () => {
    timer = undefined;
    const now = performance.now();
    if (opts.hasClients()) idleSince = undefined;
    else if (idleSince === undefined) idleSince = now;
    else if (now - idleSince >= opts.idleMs) return stop();
    const due = Math.floor(((now - startedAt) * rate) / 1000);
    let n = Math.min(due - sent, MAX_CATCH_UP);
    if (due - sent > MAX_CATCH_UP) sent = due - MAX_CATCH_UP; // drop what cannot be caught up
    while (n-- > 0) {
      tick += 1;
      sent += 1;
      opts.publish(generatorData(tick, payloadBytes, padding));
    }
    const next = startedAt + ((sent + 1) * 1000) / rate;
    timer = setTimeout(run, Math.max(1, Math.min(1000, next - performance.now())));
  };

  return {
    /**
     * Sets rate (msgs/s, 0 stops) and payload size; restarts the schedule. `elapsedMs` continues a
     * run that started that long ago (another instance ran it until now): the ticks already due
     * are skipped, so tick n stays due at the run's start + n/rate.
     */
    set(newRate: number, newPayloadBytes: number, elapsedMs = 0): void {
      stop();
      payloadBytes = newPayloadBytes;
      padding = "x".repeat(newPayloadBytes);
      if (newRate <= 0) return;
      rate = newRate;
      startedAt = performance.now() - elapsedMs;
      // Ticks count from 1 in each run, so tick n was due at start + n/rate (the load generator relies on it).
      tick = Math.floor((elapsedMs * rate) / 1000);
      sent = tick;
      idleSince = undefined;
      // Capped like every later timer: 1000 / 1e-9 ms overflows setTimeout, which then fires at once.
      const next = startedAt + ((sent + 1) * 1000) / rate;
      timer = setTimeout(run, Math.max(1, Math.min(1000, next - performance.now())));
    },
    stop,
    state(): GeneratorState {
      return { channel: opts.channel, rate, payloadBytes, running: timer !== undefined };
    },
  };
}

/** A channel's generator. */
export type Generator = ReturnType<typeof createGenerator>;
