import {
  createTransportMetrics,
  type HistogramOptions,
  type MetricsSnapshot,
  type TransportMetrics,
} from "@transport-lab/metrics";
import type { TransportName } from "@transport-lab/protocol";
import type { RequestPurpose } from "./platform.ts";

/** A live byte counter owned by the platform (a Node socket's bytesRead/bytesWritten). */
export interface ByteProbe {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

interface ProbeState {
  lastIn: number;
  lastOut: number;
}

/** Figures the shared snapshot does not carry, kept for the wire view and for cross-checks. */
export interface TransportExtras {
  readonly transport: TransportName;
  /** `GET /api/time` requests made for the clock offset (not in `httpRequests`). */
  readonly clockRequests: number;
  /** Poll / long-poll answers received (`emptyResponses` of them carried nothing). */
  readonly responses: number;
  /** Connections that reached `open`. */
  readonly connects: number;
  /** Connections lost without the client asking (reconnects follow them). */
  readonly drops: number;
  /** WebSocket frames / SSE events (comments included) received and sent. */
  readonly framesIn: number;
  readonly framesOut: number;
  /** Envelopes read off the wire, duplicates and discarded ones included. */
  readonly received: number;
  /** The protocol-computed size of everything, even where a counter measured it: a cross-check. */
  readonly computedEstimateIn: number;
  readonly computedEstimateOut: number;
}

/**
 * The recorder of one transport of one client: `@transport-lab/metrics`'
 * {@link TransportMetrics} plus live socket probes (pulled into it as
 * measured bytes at snapshot time) and a few extra counters. Plain mutable
 * fields: the hot path (one envelope) is a few increments.
 */
export class TransportStats {
  readonly metrics: TransportMetrics;
  clockRequests = 0;
  responses = 0;
  connects = 0;
  drops = 0;
  framesIn = 0;
  framesOut = 0;
  received = 0;
  computedEstimateIn = 0;
  computedEstimateOut = 0;
  readonly #probes = new Map<ByteProbe, ProbeState>();

  constructor(
    readonly transport: TransportName,
    now: () => number,
    histogram?: HistogramOptions,
  ) {
    this.metrics = createTransportMetrics(
      histogram === undefined ? { transport, now } : { transport, now, histogram },
    );
  }

  /** One HTTP request begun: a clock request counts apart; every other is a request, a publish also a publish. */
  countRequest(purpose: RequestPurpose): void {
    if (purpose === "clock") {
      this.clockRequests += 1;
      return;
    }
    this.metrics.recordRequest();
    if (purpose === "publish") this.metrics.recordPublish();
  }

  /** Bytes received computed from the protocol; `covered` when a platform counter also sees them. */
  computedIn(bytes: number, covered: boolean): void {
    this.computedEstimateIn += bytes;
    if (!covered) this.metrics.addBytes("in", bytes, "computed");
  }

  /** Bytes sent computed from the protocol; `covered` when a platform counter also sees them. */
  computedOut(bytes: number, covered: boolean): void {
    this.computedEstimateOut += bytes;
    if (!covered) this.metrics.addBytes("out", bytes, "computed");
  }

  /** Bytes received that a platform counter reported once (a Resource Timing entry), with their computed size. */
  measuredIn(bytes: number, computedEstimate: number): void {
    this.computedEstimateIn += computedEstimate;
    this.metrics.addBytes("in", bytes, "measured");
  }

  /** Starts reading a live counter (a socket); `retire` takes its final values. */
  attach(probe: ByteProbe): void {
    if (!this.#probes.has(probe)) this.#probes.set(probe, { lastIn: 0, lastOut: 0 });
  }

  /** The probe's socket closed: fold in its last bytes and stop reading it. */
  retire(probe: ByteProbe): void {
    const state = this.#probes.get(probe);
    if (state === undefined) return;
    this.#pull(probe, state);
    this.#probes.delete(probe);
  }

  /** Moves what the live probes counted since the last pull into the recorder. */
  flush(): void {
    for (const [probe, state] of this.#probes) this.#pull(probe, state);
  }

  /** The shared snapshot, live sockets included. */
  snapshot(histogram = false): MetricsSnapshot {
    this.flush();
    return this.metrics.snapshot({ histogram });
  }

  /** The extra counters. */
  extras(): TransportExtras {
    return {
      transport: this.transport,
      clockRequests: this.clockRequests,
      responses: this.responses,
      connects: this.connects,
      drops: this.drops,
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      received: this.received,
      computedEstimateIn: this.computedEstimateIn,
      computedEstimateOut: this.computedEstimateOut,
    };
  }

  #pull(probe: ByteProbe, state: ProbeState): void {
    const bytesIn = probe.bytesIn;
    const bytesOut = probe.bytesOut;
    if (bytesIn > state.lastIn) this.metrics.addBytes("in", bytesIn - state.lastIn, "measured");
    if (bytesOut > state.lastOut) this.metrics.addBytes("out", bytesOut - state.lastOut, "measured");
    state.lastIn = bytesIn;
    state.lastOut = bytesOut;
  }
}
