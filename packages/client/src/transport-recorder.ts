import {
  createMetricsRecorder,
  type HistogramOptions,
  type MetricsRecorder,
  type MetricsSnapshot,
} from "@transport-lab/metrics";
import type { TransportName } from "@transport-lab/protocol";
import type { ByteProbe, IoRecorder, RequestPurpose } from "./platform.ts";
import type { ClientTransportName } from "./transport.ts";

interface ProbeState {
  lastIn: number;
  lastOut: number;
}

/** Figures the shared snapshot does not carry, kept for the wire view and for cross-checks. */
export interface TransportExtras<N extends ClientTransportName = TransportName> {
  readonly transport: N;
  /** `GET /api/time` requests made for the clock offset (not in `httpRequests`). */
  readonly clockRequests: number;
  /**
   * Poll / long-poll answers received by this client.
   * @deprecated `MetricsSnapshot.responses` counts the same and survives `mergeSnapshots`.
   */
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
 * Everything recorded about one transport of one client: `@transport-lab/metrics`'
 * {@link MetricsRecorder}, the live socket probes the platform attached (pulled into it as
 * measured bytes at snapshot time) and the extra counters. The platform reports into it as an
 * {@link IoRecorder}; the client's link layer counts frames, answers and connections. Plain
 * mutable fields: the hot path (one envelope) is a few increments.
 */
export class TransportRecorder implements IoRecorder {
  readonly metrics: MetricsRecorder;
  clockRequests = 0;
  connects = 0;
  drops = 0;
  framesIn = 0;
  framesOut = 0;
  received = 0;
  computedEstimateIn = 0;
  computedEstimateOut = 0;
  #responses = 0;
  readonly #probes = new Map<ByteProbe, ProbeState>();

  constructor(
    readonly transport: ClientTransportName,
    now: () => number,
    histogram?: HistogramOptions,
  ) {
    this.metrics = createMetricsRecorder(
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

  /** A failed request is an error of this transport, except a clock sample's (its figures are apart). */
  countFailure(purpose: RequestPurpose): void {
    if (purpose !== "clock") this.metrics.recordError();
  }

  /** A poll or long-poll answer carrying `messages` messages. */
  countAnswer(messages: number): void {
    this.#responses += 1;
    this.metrics.recordAnswer(messages);
  }

  computedIn(bytes: number, covered: boolean): void {
    this.computedEstimateIn += bytes;
    if (!covered) this.metrics.addBytes("in", bytes, "computed");
  }

  computedOut(bytes: number, covered: boolean): void {
    this.computedEstimateOut += bytes;
    if (!covered) this.metrics.addBytes("out", bytes, "computed");
  }

  /** The computed estimate keeps the computed size, as everywhere: it is the cross-check. */
  measuredIn(bytes: number, computed: number): void {
    this.metrics.remeasure("in", computed, bytes);
  }

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
  extras(): TransportExtras<ClientTransportName> {
    return {
      transport: this.transport,
      clockRequests: this.clockRequests,
      responses: this.#responses,
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

/** A recorder that keeps nothing: for requests whose figures belong to no transport (clock samples have their own count). */
export const DISCARD: IoRecorder = {
  countRequest() {},
  countFailure() {},
  computedIn() {},
  computedOut() {},
  measuredIn() {},
  attach() {},
  retire() {},
};
