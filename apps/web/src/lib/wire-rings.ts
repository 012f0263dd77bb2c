import type { WireEvent } from "@transport-lab/client";
import { LIMITS } from "./lab-view.ts";
import { LANE_NAMES, type LaneName } from "./lane-names.ts";
import { RingBuffer } from "./ring-buffer.ts";

type PerLane<T> = Record<LaneName, T>;

const perLane = <T>(value: () => T): PerLane<T> =>
  Object.fromEntries(LANE_NAMES.map((name) => [name, value()])) as PerLane<T>;

/**
 * The wire view's events, one bounded ring per lane. They belong to the page, not to a
 * client, so they survive a client being replaced (pause, new poll interval, reset).
 */
export class WireRings {
  readonly #rings = new Map<LaneName, RingBuffer<WireEvent<LaneName>>>(
    LANE_NAMES.map((t) => [t, new RingBuffer<WireEvent<LaneName>>(LIMITS.wire)]),
  );

  push(event: WireEvent<LaneName>): void {
    this.#rings.get(event.transport)?.push(event);
  }

  /** Events per lane, oldest first; empty lists unless `visible` (copying them costs). */
  events(visible: boolean): PerLane<readonly WireEvent<LaneName>[]> {
    const out = perLane<readonly WireEvent<LaneName>[]>(() => []);
    if (visible) for (const [t, ring] of this.#rings) out[t] = ring.toArray();
    return out;
  }

  /** Events seen per lane, evicted ones included. */
  totals(): PerLane<number> {
    const out = perLane(() => 0);
    for (const [t, ring] of this.#rings) out[t] = ring.total;
    return out;
  }
}
