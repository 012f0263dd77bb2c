import { type ClockOffset, emptySnapshot, type MetricsSnapshot } from "@transport-lab/metrics";
import { type Envelope, type Json, LONG_POLL_TIMEOUT, type TransportName } from "@transport-lab/protocol";
import { AutoPicker } from "./auto-picker.ts";
import { Backoff, DEFAULT_BACKOFF } from "./backoff.ts";
import { resolveBaseUrl } from "./base-url.ts";
import type { Client, ClientEvents, ClientOptions, ClientSnapshot, TransportRegistry } from "./client-api.ts";
import { type ClientClock, createClientClock } from "./client-clock.ts";
import { checkClientOptions } from "./client-options.ts";
import { Emitter, type Listener } from "./emitter.ts";
import { ClientError } from "./errors.ts";
import { createLane, type Lane, laneFigures } from "./lane.ts";
import { OpenWaiters } from "./open-waiters.ts";
import type { Platform } from "./platform.ts";
import { type DeliveryCounts, Sequencer, Verdict } from "./sequencer.ts";
import type { ClientState } from "./state.ts";
import type { ClientTransportName, PublishResult, Transport, TransportDrop } from "./transport.ts";
import type { TransportRecorder } from "./transport-recorder.ts";
import { type WireEvent, WireLog } from "./wire-log.ts";

const defaultNow = (): number => performance.timeOrigin + performance.now();

/** Names as the client handles them inside; `createClientWith` narrows them to its registry's. */
type Name = ClientTransportName;

class ClientImpl implements Client<Name> {
  readonly #events = new Emitter<ClientEvents<Name>>();
  readonly #seq: Sequencer;
  readonly #backoff: Backoff;
  readonly #wireLog: WireLog;
  readonly #lanes = new Map<Name, Lane>();
  /** Transports switched away from whose sockets are still closing. */
  readonly #closing = new Set<Promise<void>>();
  readonly #openWaiters = new OpenWaiters();
  readonly #now: () => number;
  readonly #baseUrl: string;
  readonly #clock: ClientClock;
  #active: Lane;
  #state: ClientState<Name>;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #everOpened = false;
  readonly #closeClock: () => Promise<void>;
  #closed: Promise<void> | undefined;
  readonly #auto: AutoPicker | undefined;

  constructor(
    readonly platform: Platform,
    readonly registry: Readonly<Partial<TransportRegistry<Name>>>,
    readonly options: ClientOptions<Name>,
  ) {
    checkClientOptions(options);
    this.#seq = new Sequencer(options.cursor);
    this.#backoff = new Backoff({ ...DEFAULT_BACKOFF, ...options.backoff });
    this.#wireLog = new WireLog(options.wireLogSize ?? 200);
    this.#now = options.now ?? defaultNow;
    this.#baseUrl = resolveBaseUrl(options.baseUrl);
    const clock = createClientClock(options, {
      platform,
      baseUrl: this.#baseUrl,
      now: this.#now,
      active: () => this.#active,
      lanes: () => this.#lanes.values(),
    });
    this.#clock = clock.clock;
    this.#closeClock = clock.close;
    this.#auto = options.transport === "auto" ? this.#picker() : undefined;
    const first = (this.#auto?.initial() as Name | undefined) ?? (options.transport as Name);
    this.#active = this.#lane(first);
    const initial: ClientState<Name> = { kind: "connecting", transport: first, reason: "start" };
    this.#state = initial;
    this.#openActive();
    // Listeners attach right after createClient() returns: let them see the first state too.
    queueMicrotask(() => {
      if (this.#state === initial) this.#events.emit("state", initial);
    });
  }

  get state(): ClientState<Name> {
    return this.#state;
  }

  get transport(): Name {
    return this.#active.transport.name;
  }

  get auto(): boolean {
    return this.#auto?.enabled ?? false;
  }

  get cursor(): string | undefined {
    return this.#seq.cursor;
  }

  get delivery(): Readonly<DeliveryCounts> {
    return this.#seq.counts;
  }

  get clock(): ClockOffset | null {
    return this.#clock.current;
  }

  on<K extends keyof ClientEvents<Name>>(type: K, listener: Listener<ClientEvents<Name>[K]>): () => void {
    return this.#events.on(type, listener);
  }

  async publish(data: Json): Promise<PublishResult> {
    if (this.#closed !== undefined) throw new ClientError("closed", "the client is closed");
    if (this.#active.transport.publishNeedsOpen && this.#state.kind !== "open") {
      await this.#openWaiters.wait();
    }
    return this.#active.transport.publish(data);
  }

  switchTransport(name: Name): void {
    if (this.#closed !== undefined) throw new ClientError("closed", "the client is closed");
    this.#auto?.disable();
    this.#moveTo(name, "switch");
  }

  /** The one switch: the old link stops first (nothing of it reaches the client after), the new one opens from the cursor. */
  #moveTo(name: Name, reason: "switch" | "fallback" | "upgrade"): void {
    if (name === this.#active.transport.name || this.#closed !== undefined) return;
    this.#clearRetry();
    this.#closeLater(this.#active);
    this.#active = this.#lane(name);
    this.#backoff.reset();
    this.#setState({ kind: "connecting", transport: name, reason });
    this.#openActive();
  }

  #openActive(): void {
    this.#auto?.attemptStarted(this.#active.transport.name as TransportName);
    this.#active.transport.open();
  }

  /** Stops a lane and keeps its closing sockets for close() to wait on. */
  #closeLater(lane: Lane): void {
    const closing = this.#stopLane(lane);
    this.#closing.add(closing);
    const settled = () => this.#closing.delete(closing);
    closing.then(settled, settled);
  }

  close(): Promise<void> {
    return this.#shutdown({ kind: "closed", reason: "client", detail: "close() called" });
  }

  #shutdown(final: ClientState<Name> & { kind: "closed" }): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.#clearRetry();
    this.#auto?.disable();
    this.#openWaiters.refuse(
      new ClientError("closed", `the client closed (${final.reason}: ${final.detail})`),
    );
    const closing = [...this.#closing];
    for (const lane of this.#lanes.values()) closing.push(this.#stopLane(lane));
    closing.push(this.#closeClock());
    this.#closed = Promise.all(closing).then(() => undefined);
    this.#setState(final);
    return this.#closed;
  }

  metrics(name: Name = this.#active.transport.name, histogram = false): MetricsSnapshot {
    const lane = this.#lanes.get(name);
    if (lane !== undefined) return lane.recorder.snapshot(histogram);
    // A transport this client never used recorded nothing: no recorder (and histogram) is made for it.
    return emptySnapshot(name, this.#now(), histogram ? (this.options.histogram ?? {}) : undefined);
  }

  snapshot(): ClientSnapshot<Name> {
    return {
      transport: this.#active.transport.name,
      state: this.#state,
      cursor: this.#seq.cursor,
      delivery: { ...this.#seq.counts },
      clock: this.#clock.current,
      transports: laneFigures(this.#lanes.values()),
    };
  }

  wireEvents(): WireEvent<Name>[] {
    return this.#wireLog.toArray();
  }

  /** The lane of `name`, made on first use; a transport keeps its figures across switches. */
  #lane(name: Name): Lane {
    const existing = this.#lanes.get(name);
    if (existing !== undefined) return existing;
    const { options } = this;
    const lane = createLane(name, {
      platform: this.platform,
      registry: this.registry,
      baseUrl: this.#baseUrl,
      channel: options.channel,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      longPollTimeoutMs: options.longPollTimeoutMs ?? LONG_POLL_TIMEOUT.default,
      histogram: options.histogram,
      now: this.#now,
      cursor: () => this.#seq.cursor,
      wireLog: this.#wireLog,
      wireListened: () => this.#events.has("wire"),
      emitWire: (event) => this.#events.emit("wire", event),
    });
    lane.recorder.metrics.setClockOffset(this.#clock.current);
    const { link, recorder } = lane;
    // The link reports only its live attempt, and the client stops the links it leaves: what
    // arrives here is the active transport's, or the outcome of auto's background check of a
    // better one (whose messages are not delivered: the move reopens it from the cursor).
    const active = () => lane === this.#active;
    link.events.on("message", (envelope) => {
      if (active()) this.#deliver(envelope);
    });
    link.events.on("open", ({ cursor }) =>
      active() ? this.#opened(cursor) : this.#auto?.probeOpened(name as TransportName),
    );
    link.events.on("reset", ({ reason, cursor }) => {
      if (!active()) return;
      const lost = this.#seq.reset(cursor);
      recorder.metrics.recordReset();
      recorder.metrics.recordLost(lost);
      this.#events.emit("reset", { reason, cursor, transport: name, lost });
    });
    link.events.on("close", (drop) =>
      active() ? this.#dropped(drop) : this.#auto?.probeEnded(name as TransportName, drop),
    );
    this.#lanes.set(name, lane);
    return lane;
  }

  /** Stops a lane's link first (nothing of it reaches the client after), then its I/O. */
  #stopLane(lane: Lane): Promise<void> {
    lane.link.stop();
    return lane.transport.close();
  }

  #deliver(envelope: Envelope): void {
    const { metrics } = this.#active.recorder;
    const seq = this.#seq;
    const expected = seq.lastSeq + 1;
    const verdict = seq.accept(envelope.seq);
    if (verdict === Verdict.deliver || verdict === Verdict.deliverReordered) {
      if (verdict === Verdict.deliverReordered) metrics.recordReorder();
      metrics.recordMessage(this.#clock.latency(this.#now(), envelope.time));
      this.#events.emit("message", envelope);
    } else if (verdict === Verdict.duplicate) {
      metrics.recordDuplicate();
    } else if (verdict === Verdict.gap) {
      metrics.recordGap(envelope.seq - expected);
      this.#active.transport.resync();
    }
  }

  #opened(cursor: string): void {
    this.#everOpened = true;
    this.#backoff.reset();
    // The server's start position (after a reset, where delivery really resumes); adopted only when none is known yet.
    this.#seq.start(cursor);
    const reason = this.#state.kind === "reconnecting" ? "reconnected" : "connected";
    this.#setState({ kind: "open", transport: this.#active.transport.name, reason, cursor });
    this.#auto?.activeOpened(cursor);
    this.#openWaiters.release();
    this.#clock.opened();
  }

  #dropped(drop: TransportDrop): void {
    const { recorder, transport } = this.#active;
    // auto may still have another transport to try after a refusal that closes a fixed client.
    const tryAnother = this.#auto?.activeDropped(drop, this.#state.kind === "open") === true;
    if (drop.fatal && !tryAnother) {
      const refused = this.#seq.cursor;
      if (drop.status === 400 && this.#everOpened && refused !== undefined && this.#seq.positioned) {
        // A cursor that worked before is refused: the server's log no longer has it (docs/protocol.md
        // §15.6). Tell the caller and start again from the oldest retained message.
        this.#seq.forget();
        recorder.metrics.recordReset();
        this.#events.emit("reset", {
          reason: "bad_cursor",
          cursor: refused,
          transport: transport.name,
          lost: 0,
        });
      } else {
        void this.#shutdown({ kind: "closed", reason: "fatal", detail: `${drop.reason}: ${drop.detail}` });
        return;
      }
    }
    this.#clearRetry();
    const delayMs = this.#backoff.next();
    this.#setState({
      kind: "reconnecting",
      transport: transport.name,
      reason: drop.reason,
      detail: drop.detail,
      attempt: this.#backoff.attempt,
      delayMs,
    });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#retry(transport, recorder);
    }, delayMs);
  }

  /** The backoff is over: open the same transport again, or the one auto decided on. */
  async #retry(transport: Transport, recorder: TransportRecorder): Promise<void> {
    const target = this.#auto?.enabled === true ? await this.#auto.target() : transport.name;
    // A switch, an upgrade or close() may have come first.
    if (transport !== this.#active.transport || this.#state.kind !== "reconnecting") return;
    if (target !== transport.name) return this.#moveTo(target as Name, "fallback");
    recorder.metrics.recordReconnect();
    this.#openActive();
  }

  /** The picker of `transport: "auto"`, acting on this client. */
  #picker(): AutoPicker {
    return new AutoPicker(this.options.auto, {
      platform: this.platform,
      baseUrl: this.#baseUrl,
      now: this.#now,
      active: () => this.#active,
      lane: (name) => this.#lane(name as Name),
      closeLater: (lane) => lane !== this.#active && this.#closeLater(lane),
      moveTo: (name, reason) => this.#moveTo(name as Name, reason),
      emit: (decision) => this.#events.emit("decision", decision),
    });
  }

  #setState(state: ClientState<Name>): void {
    this.#state = state;
    this.#events.emit("state", state);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }
}

/**
 * Creates a client on `platform`'s transports; `createClient` from the package entry binds the
 * platform. The registry says which transports the client may use: the four (`transports`), or
 * those and `socketio` from `@transport-lab/client/socketio`.
 */
export function createClientWith<N extends ClientTransportName = TransportName>(
  platform: Platform,
  registry: TransportRegistry<N>,
  options: ClientOptions<N>,
): Client<N> {
  // The client handles every name alike; its public types are those of the registry it was given.
  return new ClientImpl(platform, registry, options) as unknown as Client<N>;
}
