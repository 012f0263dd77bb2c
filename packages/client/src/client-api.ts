import type { ClockOffset, ClockTracker, HistogramOptions, MetricsSnapshot } from "@transport-lab/metrics";
import type { Envelope, Json, ResetReason, TransportName } from "@transport-lab/protocol";
import type { AutoOptions } from "./auto-options.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { Listener } from "./emitter.ts";
import type { DeliveryCounts } from "./sequencer.ts";
import type { ClientState } from "./state.ts";
import type { ClientTransportName, PublishResult, TransportFactory } from "./transport.ts";
import type { TransportDecision } from "./transport-decision.ts";
import type { TransportExtras } from "./transport-recorder.ts";
import type { WireEvent } from "./wire-log.ts";

/**
 * Options of {@link createClient}. `N` is the names of the transports the client may use: the
 * protocol's four, or with the optional Socket.IO entry also `socketio`.
 */
export interface ClientOptions<N extends ClientTransportName = TransportName> {
  /** The server, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  readonly baseUrl: string;
  readonly channel: string;
  /**
   * The transport, or `auto`: try them in `auto.order` (WebSocket, SSE, long polling) and use the
   * first whose hello arrives in time, remembering the choice in this tab and moving up when a
   * better one works again; every decision is a `decision` event.
   */
  readonly transport: N | "auto";
  /** How `transport: "auto"` picks (ignored otherwise). */
  readonly auto?: AutoOptions;
  /** Absent: start live; `earliest`; or `<epoch>:<seq>` to resume. */
  readonly cursor?: string;
  /** Interval polling: wait between an answer and the next request (default 1000 ms). */
  readonly pollIntervalMs?: number;
  /** Long polling: the server-side hold time asked for (default 25000 ms, 1–60000). */
  readonly longPollTimeoutMs?: number;
  /** Reconnection backoff (default 0–250 ms doubling to 0–10 s, full jitter). */
  readonly backoff?: Partial<BackoffOptions>;
  /**
   * Clock offset for delivery latency. `true` (default): the client keeps its own estimate from
   * the first open on, renewed every `clockIntervalMs` (WS ping frames, else `GET /api/time` on a
   * connection of its own). A {@link ClockTracker} is followed as it improves (a page shares one
   * among its clients; the client neither starts nor stops it); a {@link ClockOffset} is used as
   * given (the load generator shares one); `false` records no latency.
   */
  readonly clock?: boolean | ClockOffset | ClockTracker;
  /** Round trips for the first clock estimate (default 5). */
  readonly clockSamples?: number;
  /** Between two rounds of clock samples, ms (default 30 000; 0: the first round only). */
  readonly clockIntervalMs?: number;
  /** Wire events kept for the wire view (default 200; 0 keeps none and skips building them). */
  readonly wireLogSize?: number;
  /** Wall clock in ms since 1970 (default `performance.timeOrigin + performance.now()`). */
  readonly now?: () => number;
  /**
   * Latency histogram layout per transport. The default (1 µs resolution, 3 digits, 1 h) takes
   * ~180 KB; a load generator running thousands of clients wants e.g. `{ significantDigits: 2, maxValue: 60_000 }`.
   */
  readonly histogram?: HistogramOptions;
}

/** Everything a client emits. */
export interface ClientEvents<N extends ClientTransportName = TransportName> {
  /** Envelopes in seq order, each exactly once. */
  message: Envelope;
  state: ClientState<N>;
  /** The server could not honour the cursor; delivery continues after `cursor`. */
  reset: ClientReset<N>;
  wire: WireEvent<N>;
  /** `transport: "auto"` only: what it tried, how that went, and what the client does next. */
  decision: TransportDecision;
}

/**
 * A reset surfaced to the caller. `epoch`/`expired` come from the server; `bad_cursor` means a
 * reconnect's cursor was refused with 400 (it cannot exist on this server: docs/protocol.md §15.6),
 * and the client starts again from `earliest`.
 */
export interface ClientReset<N extends ClientTransportName = TransportName> {
  readonly reason: ResetReason | "bad_cursor";
  /**
   * Seqs this reset skipped, never delivered: up to the reset's cursor within the same epoch,
   * the new epoch's seqs before it after an `epoch` reset (the old epoch's are unknowable), 0 for
   * `bad_cursor` (unknowable: where the refused cursor was is not on this server).
   */
  readonly lost: number;
  /** Where delivery continues after (server resets), or the refused cursor (`bad_cursor`). */
  readonly cursor: string;
  readonly transport: N;
}

/** All of a client's figures at one moment. */
export interface ClientSnapshot<N extends ClientTransportName = TransportName> {
  readonly transport: N;
  readonly state: ClientState<N>;
  readonly cursor: string | undefined;
  readonly delivery: DeliveryCounts;
  readonly clock: ClockOffset | null;
  /** One entry per transport this client has used. */
  readonly transports: Partial<Record<N, { metrics: MetricsSnapshot; extras: TransportExtras<N> }>>;
}

/** A subscription to one channel over one transport at a time. */
export interface Client<N extends ClientTransportName = TransportName> {
  readonly state: ClientState<N>;
  /** The transport in use. */
  readonly transport: N;
  /** True while the client picks its transport itself (`transport: "auto"`, until a `switchTransport()`). */
  readonly auto: boolean;
  /** `<epoch>:<seq>` of the last delivered envelope (or where the server placed the client). */
  readonly cursor: string | undefined;
  readonly delivery: Readonly<DeliveryCounts>;
  readonly clock: ClockOffset | null;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents<N>>(type: K, listener: Listener<ClientEvents<N>[K]>): () => void;
  /** Publishes `data`; resolves with the seq the server assigned (WS: on its ack; others: the POST's answer). */
  publish(data: Json): Promise<PublishResult>;
  /** Moves to another transport, resuming from the cursor: nothing lost, nothing repeated. Ends `auto`. */
  switchTransport(name: N): void;
  /** Closes every connection, request and timer; resolves once sockets are closed. */
  close(): Promise<void>;
  /** The shared metrics snapshot of one transport (default: the current one). */
  metrics(name?: N, histogram?: boolean): MetricsSnapshot;
  snapshot(): ClientSnapshot<N>;
  /** The retained wire events, oldest first. */
  wireEvents(): WireEvent<N>[];
}

/** The transports a platform provides, by name. */
export type TransportRegistry<N extends ClientTransportName = TransportName> = Readonly<
  Record<N, TransportFactory>
>;
