import {
  type ClockOffset,
  deliveryLatency,
  estimateClockOffset,
  type MetricsSnapshot,
} from "@transport-lab/metrics";
import {
  type Envelope,
  isValidChannelName,
  type Json,
  LONG_POLL_TIMEOUT,
  type TransportName,
} from "@transport-lab/protocol";
import { Backoff, DEFAULT_BACKOFF } from "./backoff.ts";
import type { Client, ClientEvents, ClientOptions, ClientSnapshot, TransportRegistry } from "./client-api.ts";
import { Emitter, type Listener } from "./emitter.ts";
import { ClientError } from "./errors.ts";
import type { Platform } from "./platform.ts";
import { type DeliveryCounts, Sequencer, Verdict } from "./sequencer.ts";
import type { ClientState } from "./state.ts";
import { createTimePing, type TimePing } from "./time-ping.ts";
import type { PublishResult, Transport, TransportContext, TransportDrop } from "./transport.ts";
import { TransportStats } from "./transport-stats.ts";
import { type WireEvent, WireLog } from "./wire-log.ts";
import { createWireTap } from "./wire-tap.ts";

/**
 * An absolute base URL without trailing slash. In a page, `""` or a path resolves against the
 * page's location (the web app passes `""` when it is served by the same origin).
 */
export function resolveBaseUrl(baseUrl: string): string {
  const page = (globalThis as { location?: { href: string } }).location?.href;
  let url: URL;
  try {
    url = page === undefined ? new URL(baseUrl) : new URL(baseUrl === "" ? "/" : baseUrl, page);
  } catch {
    throw new TypeError(`baseUrl must be an absolute http(s) URL here, got ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`baseUrl must be http(s), got ${JSON.stringify(baseUrl)}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

const defaultNow = (): number => performance.timeOrigin + performance.now();

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

class ClientImpl implements Client {
  readonly #events = new Emitter<ClientEvents>();
  readonly #seq: Sequencer;
  readonly #backoff: Backoff;
  readonly #wireLog: WireLog;
  readonly #transports = new Map<TransportName, { transport: Transport; stats: TransportStats }>();
  readonly #closing: Promise<void>[] = [];
  readonly #openWaiters: Waiter[] = [];
  readonly #now: () => number;
  readonly #baseUrl: string;
  #active: Transport;
  #stats: TransportStats;
  #state: ClientState;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnecting = false;
  #everOpened = false;
  #clock: ClockOffset | null;
  #clockRunning = false;
  #timePing: TimePing | undefined;
  #closed: Promise<void> | undefined;

  constructor(
    readonly platform: Platform,
    readonly registry: TransportRegistry,
    readonly options: ClientOptions,
  ) {
    if (!isValidChannelName(options.channel)) throw new TypeError(`bad channel name: ${options.channel}`);
    const timeout = options.longPollTimeoutMs ?? LONG_POLL_TIMEOUT.default;
    if (!(timeout >= LONG_POLL_TIMEOUT.min && timeout <= LONG_POLL_TIMEOUT.max)) {
      throw new RangeError(`longPollTimeoutMs must be ${LONG_POLL_TIMEOUT.min}–${LONG_POLL_TIMEOUT.max}`);
    }
    this.#seq = new Sequencer(options.cursor);
    this.#backoff = new Backoff({ ...DEFAULT_BACKOFF, ...options.backoff });
    this.#wireLog = new WireLog(options.wireLogSize ?? 200);
    this.#now = options.now ?? defaultNow;
    this.#baseUrl = resolveBaseUrl(options.baseUrl);
    this.#clock = typeof options.clock === "object" ? options.clock : null;
    const first = this.#get(options.transport);
    this.#active = first.transport;
    this.#stats = first.stats;
    const initial: ClientState = { kind: "connecting", transport: options.transport, reason: "start" };
    this.#state = initial;
    this.#active.open();
    // Listeners attach right after createClient() returns: let them see the first state too.
    queueMicrotask(() => {
      if (this.#state === initial) this.#events.emit("state", initial);
    });
  }

  get state(): ClientState {
    return this.#state;
  }

  get transport(): TransportName {
    return this.#active.name;
  }

  get cursor(): string | undefined {
    return this.#seq.cursor;
  }

  get delivery(): Readonly<DeliveryCounts> {
    return this.#seq.counts;
  }

  get clock(): ClockOffset | null {
    return this.#clock;
  }

  on<K extends keyof ClientEvents>(type: K, listener: Listener<ClientEvents[K]>): () => void {
    return this.#events.on(type, listener);
  }

  async publish(data: Json): Promise<PublishResult> {
    if (this.#closed !== undefined) throw new ClientError("closed", "the client is closed");
    if (this.#active.publishNeedsOpen && this.#state.kind !== "open") {
      await new Promise<void>((resolve, reject) => this.#openWaiters.push({ resolve, reject }));
    }
    return this.#active.publish(data);
  }

  switchTransport(name: TransportName): void {
    if (this.#closed !== undefined) throw new ClientError("closed", "the client is closed");
    if (name === this.#active.name) return;
    this.#clearRetry();
    this.#closing.push(this.#active.close());
    const next = this.#get(name);
    this.#active = next.transport;
    this.#stats = next.stats;
    this.#reconnecting = false;
    this.#backoff.reset();
    this.#setState({ kind: "connecting", transport: name, reason: "switch" });
    this.#active.open();
  }

  close(): Promise<void> {
    return this.#shutdown({ kind: "closed", reason: "client", detail: "close() called" });
  }

  #shutdown(final: ClientState & { kind: "closed" }): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.#clearRetry();
    this.#rejectWaiters(new ClientError("closed", `the client closed (${final.reason}: ${final.detail})`));
    const closing = [...this.#closing];
    for (const { transport } of this.#transports.values()) closing.push(transport.close());
    if (this.#timePing !== undefined) closing.push(this.#timePing.close());
    this.#closed = Promise.all(closing).then(() => undefined);
    this.#setState(final);
    return this.#closed;
  }

  metrics(name: TransportName = this.#active.name, histogram = false): MetricsSnapshot {
    const stats =
      this.#transports.get(name)?.stats ?? new TransportStats(name, this.#now, this.options.histogram);
    return stats.snapshot(histogram);
  }

  snapshot(): ClientSnapshot {
    const transports: ClientSnapshot["transports"] = {};
    for (const [name, { stats }] of this.#transports) {
      transports[name] = { metrics: stats.snapshot(), extras: stats.extras() };
    }
    return {
      transport: this.#active.name,
      state: this.#state,
      cursor: this.#seq.cursor,
      delivery: { ...this.#seq.counts },
      clock: this.#clock,
      transports,
    };
  }

  wireEvents(): WireEvent[] {
    return this.#wireLog.toArray();
  }

  /** The transport instance for `name`, created (with its own recorder) on first use. */
  #get(name: TransportName): { transport: Transport; stats: TransportStats } {
    const existing = this.#transports.get(name);
    if (existing !== undefined) return existing;
    const stats = new TransportStats(name, this.#now, this.options.histogram);
    if (this.#clock !== null) stats.metrics.setClockOffset(this.#clock);
    const wireLog = this.#wireLog;
    const events = this.#events;
    const ctx: TransportContext = {
      baseUrl: this.#baseUrl,
      channel: this.options.channel,
      pollIntervalMs: this.options.pollIntervalMs ?? 1000,
      longPollTimeoutMs: this.options.longPollTimeoutMs ?? LONG_POLL_TIMEOUT.default,
      platform: this.platform,
      stats,
      wire: createWireTap(
        name,
        this.#now,
        () => wireLog.capacity > 0 || events.has("wire"),
        (event) => {
          wireLog.push(event);
          events.emit("wire", event);
        },
      ),
      cursor: () => this.#seq.cursor,
      now: this.#now,
    };
    const transport = this.registry[name](ctx);
    const isActive = () => transport === this.#active && this.#closed === undefined;
    transport.events.on("message", (envelope) => {
      if (isActive()) this.#deliver(envelope);
    });
    transport.events.on("sync", ({ cursor }) => {
      if (isActive()) this.#seq.start(cursor);
    });
    transport.events.on("reset", ({ reason, cursor }) => {
      if (!isActive()) return;
      this.#seq.reset(cursor);
      stats.metrics.recordReset();
      this.#events.emit("reset", { reason, cursor, transport: name });
    });
    transport.events.on("open", ({ cursor }) => {
      if (isActive()) this.#opened(cursor);
    });
    transport.events.on("close", (drop) => {
      if (isActive()) this.#dropped(drop);
    });
    const entry = { transport, stats };
    this.#transports.set(name, entry);
    return entry;
  }

  #deliver(envelope: Envelope): void {
    const stats = this.#stats;
    const seq = this.#seq;
    const expected = seq.lastSeq + 1;
    const verdict = seq.accept(envelope.seq);
    if (verdict === Verdict.deliver || verdict === Verdict.deliverReordered) {
      if (verdict === Verdict.deliverReordered) stats.metrics.recordReorder();
      const clock = this.#clock;
      if (clock === null) stats.metrics.recordMessage();
      else stats.metrics.recordMessage(deliveryLatency(this.#now(), envelope.time, clock.offset));
      this.#events.emit("message", envelope);
    } else if (verdict === Verdict.duplicate) {
      stats.metrics.recordDuplicate();
    } else if (verdict === Verdict.gap) {
      stats.metrics.recordGap(envelope.seq - expected);
      this.#active.resync();
    }
  }

  #opened(cursor: string): void {
    this.#everOpened = true;
    this.#backoff.reset();
    this.#stats.connects += 1;
    const reason = this.#reconnecting ? "reconnected" : "connected";
    this.#reconnecting = false;
    // The server's start position (after a reset, where delivery really resumes).
    this.#setState({ kind: "open", transport: this.#active.name, reason, cursor });
    const waiters = this.#openWaiters.splice(0);
    for (const waiter of waiters) waiter.resolve();
    if (this.options.clock !== false && this.#clock === null) this.#syncClock();
  }

  #dropped(drop: TransportDrop): void {
    this.#stats.drops += 1;
    if (drop.fatal) {
      const refused = this.#seq.cursor;
      if (drop.status === 400 && this.#everOpened && refused !== undefined && this.#seq.positioned) {
        // A cursor that worked before is refused: the server's log no longer has it (docs/protocol.md
        // §15.6). Tell the caller and start again from the oldest retained message.
        this.#seq.forget();
        this.#stats.metrics.recordReset();
        this.#events.emit("reset", { reason: "bad_cursor", cursor: refused, transport: this.#active.name });
      } else {
        void this.#shutdown({ kind: "closed", reason: "fatal", detail: `${drop.reason}: ${drop.detail}` });
        return;
      }
    }
    this.#clearRetry();
    const delayMs = this.#backoff.next();
    const transport = this.#active;
    this.#reconnecting = true;
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
      if (transport !== this.#active || this.#closed !== undefined) return;
      this.#stats.metrics.recordReconnect();
      transport.open();
    }, delayMs);
  }

  /** Estimates the clock offset once per client: WS ping frames, else `GET /api/time` on a connection of its own. */
  #syncClock(): void {
    if (this.#clockRunning) return;
    this.#clockRunning = true;
    const transport = this.#active;
    const stats = this.#stats;
    let ping = transport.ping;
    if (ping === undefined) {
      const timePing = createTimePing(this.platform, this.#baseUrl, this.#now);
      this.#timePing = timePing;
      ping = () => {
        stats.clockRequests += 1;
        return timePing.ping();
      };
    }
    const samples = this.options.clockSamples ?? 5;
    const done = () => {
      this.#clockRunning = false;
      // Its sockets are not needed any more (thousands of idle ones would add up in the load generator).
      void this.#timePing?.close();
      this.#timePing = undefined;
    };
    estimateClockOffset(ping, { samples, now: this.#now }).then(
      (best) => {
        done();
        if (this.#closed !== undefined) return;
        this.#clock = best;
        for (const entry of this.#transports.values()) entry.stats.metrics.setClockOffset(best);
      },
      // The connection went away mid-estimate; the next open tries again.
      done,
    );
  }

  #setState(state: ClientState): void {
    this.#state = state;
    this.#events.emit("state", state);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #rejectWaiters(error: Error): void {
    const waiters = this.#openWaiters.splice(0);
    for (const waiter of waiters) waiter.reject(error);
  }
}

/** Creates a client on `platform`'s transports; `createClient` from the package entry binds the platform. */
export function createClientWith(
  platform: Platform,
  registry: TransportRegistry,
  options: ClientOptions,
): Client {
  return new ClientImpl(platform, registry, options);
}
