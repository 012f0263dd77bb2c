import { type ClockOffset, type ClockTracker, deliveryLatency, offsetAt } from "@transport-lab/metrics";

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
