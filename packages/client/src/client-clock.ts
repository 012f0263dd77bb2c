import {
  type ClockOffset,
  type ClockTracker,
  createClockTracker,
  deliveryLatency,
  offsetAt,
} from "@transport-lab/metrics";
import type { ClientOptions } from "./client-api.ts";
import type { Lane } from "./lane.ts";
import type { Platform } from "./platform.ts";
import { createTimePing, type TimePing } from "./time-ping.ts";
import type { ClientTransportName } from "./transport.ts";

/** True for a {@link ClockTracker}, false for a plain {@link ClockOffset}. */
function isTracker(clock: ClockOffset | ClockTracker): clock is ClockTracker {
  return typeof (clock as Partial<ClockTracker>).onChange === "function";
}

/**
 * A client's clock offset as its `clock` option asks: none, a given offset, a tracker of the
 * client's own (started at the first open, stopped at close) or one shared with others (followed).
 */
export class ClientClock {
  #current: ClockOffset | null = null;
  readonly #tracker: ClockTracker | undefined;
  readonly #own: boolean;
  readonly #unsubscribe: () => void = () => {};

  /** `ownTracker` makes the client's own tracker when the option is `true`; `changed` hears every new estimate. */
  constructor(
    option: boolean | ClockOffset | ClockTracker,
    ownTracker: () => ClockTracker,
    changed: (clock: ClockOffset) => void,
  ) {
    this.#own = option === true;
    if (option === true) this.#tracker = ownTracker();
    else if (option !== false && isTracker(option)) this.#tracker = option;
    else if (option !== false) this.#current = option;
    if (this.#tracker !== undefined) {
      this.#current = this.#tracker.current;
      this.#unsubscribe = this.#tracker.onChange((clock) => {
        this.#current = clock;
        changed(clock);
      });
    }
  }

  /** The offset in use, null while none is known. */
  get current(): ClockOffset | null {
    return this.#current;
  }

  /** A connection opened: the client's own tracker starts, or starts again if its first round failed. */
  opened(): void {
    // A failed round (the connection went away mid-estimate) is retried at the next open.
    if (this.#own && this.#tracker?.current === null) this.#tracker.start().catch(() => undefined);
  }

  /** Delivery latency of an envelope stamped `time` by the server and received at `receivedAt`; undefined without an offset. */
  latency(receivedAt: number, time: number): number | undefined {
    const clock = this.#current;
    return clock === null ? undefined : deliveryLatency(receivedAt, time, offsetAt(clock, receivedAt));
  }

  /** Stops following; the client's own tracker stops its rounds. */
  stop(): void {
    this.#unsubscribe();
    if (this.#own) this.#tracker?.stop();
  }
}

/** What a client's own clock samples through. */
export interface ClockSource {
  readonly platform: Platform;
  readonly baseUrl: string;
  now(): number;
  /** The lane in use: its WebSocket pings, else `GET /api/time` counted as its `clockRequests`. */
  active(): Lane;
  /** Every lane, to hand each new estimate to. */
  lanes(): Iterable<Lane>;
}

/** A client's clock as `options.clock` asks, and the `GET /api/time` connection its samples use (closed by the returned close()). */
export function createClientClock<N extends ClientTransportName>(
  options: ClientOptions<N>,
  source: ClockSource,
): { clock: ClientClock; close(): Promise<void> } {
  let timePing: TimePing | undefined;
  const ping = (): Promise<number> => {
    const { transport, recorder } = source.active();
    if (transport.ping !== undefined) return transport.ping();
    recorder.clockRequests += 1;
    timePing ??= createTimePing(source.platform, source.baseUrl);
    return timePing.ping();
  };
  const clock = new ClientClock(
    options.clock ?? true,
    () =>
      createClockTracker({
        ping,
        // Its sockets are not needed between rounds (thousands of idle ones would add up in a load generator).
        afterRound: () => void timePing?.close(),
        now: source.now,
        samples: options.clockSamples ?? 5,
        intervalMs: options.clockIntervalMs ?? 30_000,
      }),
    (offset) => {
      for (const lane of source.lanes()) lane.recorder.metrics.setClockOffset(offset);
    },
  );
  return {
    clock,
    close: () => {
      clock.stop();
      return timePing?.close() ?? Promise.resolve();
    },
  };
}
