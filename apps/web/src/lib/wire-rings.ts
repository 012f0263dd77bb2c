import type { WireEvent } from "@transport-lab/client";
import { TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";
import { LIMITS } from "./lab-view.ts";
import { RingBuffer } from "./ring-buffer.ts";

type PerTransport<T> = Record<TransportName, T>;

/**
 * The wire view's events, one bounded ring per transport. They belong to the page, not to a
 * client, so they survive a client being replaced (pause, new poll interval, reset).
 */
export class WireRings {
  readonly #rings = new Map<TransportName, RingBuffer<WireEvent>>(
    TRANSPORT_NAMES.map((t) => [t, new RingBuffer<WireEvent>(LIMITS.wire)]),
  );

  push(event: WireEvent): void {
    this.#rings.get(event.transport)?.push(event);
  }

  /** Events per transport, oldest first; empty lists unless `visible` (copying them costs). */
  events(visible: boolean): PerTransport<readonly WireEvent[]> {
    const out: PerTransport<readonly WireEvent[]> = { ws: [], sse: [], longPoll: [], poll: [] };
    if (visible) for (const [t, ring] of this.#rings) out[t] = ring.toArray();
    return out;
  }

  /** Events seen per transport, evicted ones included. */
  totals(): PerTransport<number> {
    const out: PerTransport<number> = { ws: 0, sse: 0, longPoll: 0, poll: 0 };
    for (const [t, ring] of this.#rings) out[t] = ring.total;
    return out;
  }
}
