import {
  type Client,
  type ClientOptions,
  DEFAULT_AUTO_ORDER,
  type TransportDecision,
  type WireEvent,
} from "@transport-lab/client";
import { deliveryLatency, offsetAt } from "@transport-lab/metrics";
import { type Envelope, parseCursor } from "@transport-lab/protocol";
import { ContinuityCheck } from "./continuity.ts";
import { FiguresArchive } from "./figures-archive.ts";
import { type LaneReset, LIMITS, type ReceivedMessage } from "./lab-view.ts";
import { eventOfReset, eventOfState, LaneEventLog } from "./lane-events.ts";
import { LANE_NAMES, type LaneName } from "./lane-names.ts";
import type { LatencySeries } from "./latency-series.ts";
import { isChatData } from "./message-kind.ts";
import { RingBuffer } from "./ring-buffer.ts";
import type { SingleTransport } from "./settings.ts";

/** Creates a client; injectable so that tests can run the adapter against fakes. */
export type ClientFactory = (options: ClientOptions) => Client;

/** Creates a client of any lane, Socket.IO included (the Socket.IO entry's registry). */
export type LaneClientFactory = (options: ClientOptions<LaneName>) => Client<LaneName>;

/** What a lane is for: a compare lane's transport (Socket.IO included), or the single view's client (`auto` included). */
export type LaneId = SingleTransport | LaneName;

/** What every lane of one connection shares. */
export interface LaneShared {
  readonly series: LatencySeries;
  readonly now: () => number;
  /** Something a view shows changed. */
  readonly changed: () => void;
  /** A wire event arrived (collected by the connection's rings). */
  readonly wire: (event: WireEvent<LaneName>) => void;
  /**
   * Whether wire events are wanted now. A client builds a wire event (a summary string and an
   * object) per frame only while someone listens, so lanes listen only while the wire view is shown.
   */
  readonly wireWanted: () => boolean;
}

function seqOf(cursor: string | undefined): number | null {
  const parsed = parseCursor(cursor);
  return parsed?.kind === "at" ? parsed.seq : null;
}

/**
 * One panel's connection over time: the client it has now (replaced on pause, reset, new timing
 * or retry), the figures of the clients it had, and what the page itself saw delivered.
 */
export class Lane {
  client: Client<LaneName> | null = null;
  paused: boolean;
  /** Where a paused or retired client stopped: the next client resumes here. */
  resumeCursor: string | undefined;
  readonly archive = new FiguresArchive();
  readonly recent = new RingBuffer<ReceivedMessage>(LIMITS.recent);
  readonly chat = new RingBuffer<ReceivedMessage>(LIMITS.chat);
  readonly events = new LaneEventLog();
  /** What `auto` tried and decided, oldest first (kept across the lane's clients). */
  readonly decisions = new RingBuffer<TransportDecision>(LIMITS.decisions);
  check = new ContinuityCheck();
  lastReset: LaneReset | null = null;
  /** Why the last client could not be created (a bug or a refused option), null when fine. */
  error: string | null = null;
  #unsubscribe: (() => void)[] = [];
  #offWire: (() => void) | undefined;

  /** A compare lane's transport, or what the single view's client runs (`auto` included). */
  constructor(
    readonly id: LaneId,
    paused: boolean,
    readonly shared: LaneShared,
  ) {
    this.paused = paused;
  }

  /** The transport in use, or the one this lane starts on. */
  get transport(): LaneName {
    return this.client?.transport ?? (this.id === "auto" ? (DEFAULT_AUTO_ORDER[0] as LaneName) : this.id);
  }

  /** Starts a client on this lane (retiring a live one first); a failure to create it is shown, not thrown. */
  start(factory: () => Client<LaneName>): void {
    // Never overwrite a live client: it would stay connected with nobody holding it.
    if (this.client !== null) void this.retire(true);
    let client: Client<LaneName>;
    try {
      client = factory();
    } catch (error) {
      // One transport failing to start must not take the other lanes down with it.
      this.error = error instanceof Error ? error.message : String(error);
      this.client = null;
      this.shared.changed();
      return;
    }
    this.error = null;
    this.#attach(client);
  }

  #attach(client: Client<LaneName>): void {
    const { shared } = this;
    this.client = client;
    let from = client.transport;
    this.#unsubscribe = [
      client.on("message", (envelope) => this.#onMessage(client, envelope)),
      client.on("state", (state) => {
        const at = shared.now();
        // auto moved: the page checks that move like one it asked for.
        if (state.kind === "connecting" && (state.reason === "fallback" || state.reason === "upgrade"))
          this.check.switched(from, state.transport, at, client.cursor);
        if (state.kind !== "closed") from = state.transport;
        const event = eventOfState(state, at, client.transport);
        if (event !== null) this.events.push(event);
        shared.changed();
      }),
      client.on("decision", (decision) => {
        this.decisions.push(decision);
        shared.changed();
      }),
      client.on("reset", (reset) => {
        const at = shared.now();
        // bad_cursor names the refused cursor, not where delivery goes on: take the next seq as it comes.
        // The page's own count of what the reset skipped, beside the client's (reset.lost).
        this.check.reset(
          reset.reason === "bad_cursor" ? null : seqOf(reset.cursor),
          reset.reason === "expired",
        );
        this.lastReset = { reason: reset.reason, cursor: reset.cursor, at, lost: reset.lost };
        this.events.push(eventOfReset(reset, at));
        shared.changed();
      }),
    ];
    this.listenToWire(shared.wireWanted());
  }

  /** Starts or stops taking the client's wire events. */
  listenToWire(listen: boolean): void {
    if (listen && this.#offWire === undefined && this.client !== null) {
      this.#offWire = this.client.on("wire", (event) => this.shared.wire(event));
    } else if (!listen && this.#offWire !== undefined) {
      this.#offWire();
      this.#offWire = undefined;
    }
  }

  // The hot path: at thousands of messages a second, a few pushes and one dirty flag per envelope.
  #onMessage(client: Client<LaneName>, envelope: Envelope): void {
    const { shared } = this;
    const receivedAt = shared.now();
    // The client's offset: the page's shared tracker for the four transports, Socket.IO's own
    // (sampled over its own connection) for the fifth lane.
    const clock = client.clock;
    const latency =
      clock === null ? null : deliveryLatency(receivedAt, envelope.time, offsetAt(clock, receivedAt));
    const transport = client.transport;
    if (latency !== null) shared.series.record(LANE_NAMES.indexOf(transport), receivedAt, latency);
    this.check.accept(envelope.seq);
    const message: ReceivedMessage = {
      seq: envelope.seq,
      time: envelope.time,
      receivedAt,
      latency,
      data: envelope.data,
      transport,
    };
    this.recent.push(message);
    if (isChatData(envelope.data)) this.chat.push(message);
    shared.changed();
  }

  /** Ends the client, keeping its figures (unless told not to) and its cursor for the next one. */
  retire(keepFigures: boolean): Promise<void> {
    const client = this.client;
    if (client === null) return Promise.resolve();
    if (keepFigures) this.archive.fold(client, this.shared.now());
    this.resumeCursor = client.cursor ?? this.resumeCursor;
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.listenToWire(false);
    this.client = null;
    return client.close();
  }

  /** Forgets every figure and check (Reset metrics), keeping the position. */
  forget(): void {
    this.archive.clear();
    const check = new ContinuityCheck();
    check.start(this.check.lastSeq);
    this.check = check;
    this.lastReset = null;
    this.events.clear();
    this.decisions.clear();
  }
}
