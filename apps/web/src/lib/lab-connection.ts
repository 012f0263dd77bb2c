// The one module that talks to @transport-lab/client. Everything else in the
// app reads the immutable LabView it publishes once per animation frame.
import {
  type Client,
  type ClientEvents,
  type ClientOptions,
  type ClientSnapshot,
  type ClientState,
  createClient,
  type TransportExtras,
  type WireEvent,
} from "@transport-lab/client";
import {
  type ClockOffset,
  estimateClockOffset,
  type MetricsSnapshot,
  mergeSnapshots,
} from "@transport-lab/metrics";
import {
  type Envelope,
  formatCursor,
  type Json,
  parseCursor,
  TRANSPORT_NAMES,
  type TransportName,
} from "@transport-lab/protocol";
import { ContinuityCheck, type SwitchRecord } from "./continuity.ts";
import { createFrameBatcher, type FrameBatcher, type FrameScheduler } from "./frame-batcher.ts";
import { type AlignedSeries, LatencySeries } from "./latency-series.ts";
import { isChatData } from "./message-kind.ts";
import { RingBuffer } from "./ring-buffer.ts";
import type { ServerApi } from "./server-api.ts";

/** Creates a client; injectable so that tests can run the adapter against fakes. */
export type ClientFactory = (options: ClientOptions) => Client;

/** What the page connects to and how. */
export interface LabConfig {
  /** Origin of the server (`""` or `location.origin`). */
  readonly baseUrl: string;
  readonly channel: string;
  /** `compare`: four clients, one per transport; `single`: one client that can switch. */
  readonly mode: "compare" | "single";
  /** Single mode: the transport to start on. */
  readonly transport: TransportName;
  readonly pollIntervalMs: number;
  readonly longPollTimeoutMs: number;
  /** Compare mode: transports not connected. */
  readonly paused: readonly TransportName[];
}

/** One envelope as this page received it. */
export interface ReceivedMessage {
  readonly seq: number;
  /** Server time stamp of the envelope. */
  readonly time: number;
  /** Client wall clock at delivery. */
  readonly receivedAt: number;
  /** Delivery latency with the shared clock offset applied, null before the offset is known. */
  readonly latency: number | null;
  readonly data: Json;
  readonly transport: TransportName;
}

/** The page's own check of a lane's delivery, independent of the client's sequencer. */
export interface ContinuityView {
  readonly delivered: number;
  readonly skips: number;
  readonly skipped: number;
  readonly repeats: number;
  readonly resets: number;
  readonly lastSeq: number;
}

/** Figures of one transport (merged across the clients a lane has had). */
export interface TransportFigures {
  readonly transport: TransportName;
  readonly metrics: MetricsSnapshot;
  readonly extras: TransportExtras | null;
}

/** One panel: a transport in compare mode, or the single client. */
export interface LaneView {
  /** The transport in use. */
  readonly transport: TransportName;
  readonly paused: boolean;
  /** Null while paused or before the client exists. */
  readonly state: ClientState | null;
  /** The figures of the transport in use. */
  readonly figures: TransportFigures | null;
  readonly cursor: string | undefined;
  /** Newest first. */
  readonly recent: readonly ReceivedMessage[];
  /** Chat lines received on this lane, newest first. */
  readonly chat: readonly ReceivedMessage[];
  readonly continuity: ContinuityView;
  readonly lastReset: {
    readonly reason: ClientEvents["reset"]["reason"];
    readonly cursor: string;
    readonly at: number;
  } | null;
  /** Why the client could not be started, null when it was. */
  readonly error: string | null;
}

/** Where the whole connection is. */
export type LabPhase =
  | { readonly kind: "starting"; readonly detail: string }
  | { readonly kind: "running" }
  | { readonly kind: "unreachable"; readonly detail: string; readonly since: number }
  | { readonly kind: "closed" };

/** Everything the page renders, rebuilt at most once per animation frame. */
export interface LabView {
  readonly version: number;
  readonly mode: "compare" | "single";
  readonly channel: string;
  readonly phase: LabPhase;
  /** The cursor all lanes started from (the channel head when the page connected). */
  readonly startCursor: string | undefined;
  readonly lanes: readonly LaneView[];
  /** Mean latency per 250 ms, one series per transport in TRANSPORT_NAMES order. */
  readonly chart: AlignedSeries;
  /** Chat lines from before the page connected, oldest first. */
  readonly history: readonly ReceivedMessage[];
  /** Single mode: figures of every transport the client has used, and its switches. */
  readonly perTransport: readonly TransportFigures[];
  readonly switches: readonly SwitchRecord[];
  /** Wire events per transport, oldest first (empty unless the wire view is shown). */
  readonly wire: Readonly<Record<TransportName, readonly WireEvent[]>>;
  /** Wire events seen per transport since the page connected, evicted ones included. */
  readonly wireTotals: Readonly<Record<TransportName, number>>;
}

/** Sizes of the bounded lists. */
export const LIMITS = { recent: 12, chat: 50, wire: 300, history: 30 } as const;

interface Lane {
  readonly id: TransportName;
  client: Client | null;
  unsubscribe: (() => void)[];
  paused: boolean;
  /** Where a paused or retired client stopped: the next client resumes here. */
  resumeCursor: string | undefined;
  /** Figures (with histogram) of the lane's retired clients, per transport, merged into one. */
  archive: Map<TransportName, MetricsSnapshot>;
  recent: RingBuffer<ReceivedMessage>;
  chat: RingBuffer<ReceivedMessage>;
  check: ContinuityCheck;
  lastReset: LaneView["lastReset"];
  /** Why the last client could not be created (a bug or a refused option), null when fine. */
  error: string | null;
}

/** Options for {@link createLabConnection}. */
export interface LabConnectionOptions {
  readonly config: LabConfig;
  readonly api: ServerApi;
  readonly createClient?: ClientFactory;
  readonly schedule?: FrameScheduler;
  /** Wall clock in ms (default `performance.timeOrigin + performance.now()`). */
  readonly now?: () => number;
  /** Minimum ms between view rebuilds (default 100: figures readable, charts smooth enough). */
  readonly minIntervalMs?: number;
}

/** The page's live connection to one channel: the lanes, their figures and every control. */
export interface LabConnection {
  subscribe(listener: () => void): () => void;
  getView(): LabView;
  /** Compare mode: disconnect or reconnect one transport (it resumes from its cursor). */
  setPaused(transport: TransportName, paused: boolean): void;
  /** Single mode: move to another transport, keeping the cursor. */
  switchTransport(transport: TransportName): void;
  /** Zeroes every figure: each client is replaced by a new one resuming from the same cursor. */
  resetMetrics(): void;
  /** Applies new poll interval / long-poll timeout: affected clients are replaced, resuming from their cursor. */
  setTiming(pollIntervalMs: number, longPollTimeoutMs: number): void;
  /** Publishes over `via` (compare mode) or the single client's transport. */
  publish(data: Json, via: TransportName): Promise<{ seq: number }>;
  /** Starts or stops collecting wire events into the view. */
  setWireVisible(visible: boolean): void;
  /** Retries a client that stopped for good (e.g. a refused cursor). */
  retry(transport: TransportName): void;
  /** Full figures (histograms included) of every lane, for export. */
  exportFigures(): TransportFigures[];
  close(): Promise<void>;
}

const emptyWire = (): Record<TransportName, readonly WireEvent[]> => ({
  ws: [],
  sse: [],
  longPoll: [],
  poll: [],
});

function seqOf(cursor: string | undefined): number | null {
  const parsed = parseCursor(cursor);
  return parsed?.kind === "at" ? parsed.seq : null;
}

/** Connects a page to a channel: estimates the clock once, finds the head, then starts the clients. */
export function createLabConnection(options: LabConnectionOptions): LabConnection {
  const { api } = options;
  let config = options.config;
  const factory = options.createClient ?? createClient;
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const listeners = new Set<() => void>();
  const series = new LatencySeries(TRANSPORT_NAMES.length);
  const wire = new Map<TransportName, RingBuffer<WireEvent>>(
    TRANSPORT_NAMES.map((t) => [t, new RingBuffer<WireEvent>(LIMITS.wire)]),
  );
  const lanes: Lane[] = (config.mode === "compare" ? TRANSPORT_NAMES : [config.transport]).map((id) => ({
    id,
    client: null,
    unsubscribe: [],
    paused: config.mode === "compare" && config.paused.includes(id),
    resumeCursor: undefined,
    archive: new Map(),
    recent: new RingBuffer<ReceivedMessage>(LIMITS.recent),
    chat: new RingBuffer<ReceivedMessage>(LIMITS.chat),
    check: new ContinuityCheck(),
    lastReset: null,
    error: null,
  }));
  let phase: LabPhase = { kind: "starting", detail: "measuring the clock offset" };
  let clock: ClockOffset | null = null;
  /** Set just before start() creates the first clients: until then no control may create one. */
  let startCursor: string | undefined;
  const started = () => startCursor !== undefined;
  let history: ReceivedMessage[] = [];
  let wireVisible = false;
  let closed = false;
  let version = 0;
  let healthTimer: ReturnType<typeof setInterval> | undefined;
  let refreshTimer: ReturnType<typeof setInterval> | undefined;
  let view: LabView = buildView();

  const batcher: FrameBatcher = createFrameBatcher({
    flush: () => {
      view = buildView();
      for (const listener of listeners) listener();
    },
    minIntervalMs: options.minIntervalMs ?? 100,
    ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
  });

  function laneOf(transport: TransportName): Lane | undefined {
    return config.mode === "compare" ? lanes.find((l) => l.id === transport) : lanes[0];
  }

  function startClient(lane: Lane, transport: TransportName, cursor: string | undefined): void {
    // Never overwrite a live client: it would stay connected with nobody holding it.
    if (lane.client !== null) void retireClient(lane, true);
    let client: Client;
    try {
      client = createOne(transport, cursor);
    } catch (error) {
      // One transport failing to start must not take the other three down with it.
      lane.error = error instanceof Error ? error.message : String(error);
      lane.client = null;
      batcher.mark();
      return;
    }
    lane.error = null;
    attach(lane, client);
  }

  function createOne(transport: TransportName, cursor: string | undefined): Client {
    return factory({
      baseUrl: config.baseUrl,
      channel: config.channel,
      transport,
      ...(cursor === undefined ? {} : { cursor }),
      pollIntervalMs: config.pollIntervalMs,
      longPollTimeoutMs: config.longPollTimeoutMs,
      // One offset for every lane, so that latency differences are the transports', not the estimates'.
      clock: clock ?? true,
      // The page keeps its own per-transport wire rings, which survive client replacement.
      wireLogSize: 0,
    });
  }

  function attach(lane: Lane, client: Client): void {
    lane.client = client;
    lane.unsubscribe = [
      client.on("message", (envelope) => onMessage(lane, client, envelope)),
      client.on("state", () => batcher.mark()),
      client.on("reset", ({ reason, cursor: at }) => {
        // bad_cursor names the refused cursor, not where delivery goes on: take the next seq as it comes.
        lane.check.reset(reason === "bad_cursor" ? null : seqOf(at));
        lane.lastReset = { reason, cursor: at, at: now() };
        batcher.mark();
      }),
      client.on("wire", (event) => {
        wire.get(event.transport)?.push(event);
        if (wireVisible) batcher.mark();
      }),
    ];
  }

  function onMessage(lane: Lane, client: Client, envelope: Envelope): void {
    const receivedAt = now();
    const latency = clock === null ? null : receivedAt + clock.offset - envelope.time;
    const transport = client.transport;
    if (latency !== null) series.record(TRANSPORT_NAMES.indexOf(transport), receivedAt, latency);
    lane.check.accept(envelope.seq);
    const message: ReceivedMessage = {
      seq: envelope.seq,
      time: envelope.time,
      receivedAt,
      latency,
      data: envelope.data,
      transport,
    };
    lane.recent.push(message);
    if (isChatData(envelope.data)) lane.chat.push(message);
    batcher.mark();
  }

  /** Ends a lane's client, keeping its figures in the archive and its cursor for the next one. */
  function retireClient(lane: Lane, keepFigures: boolean): Promise<void> {
    const client = lane.client;
    if (client === null) return Promise.resolve();
    if (keepFigures) {
      for (const transport of Object.keys(client.snapshot().transports) as TransportName[]) {
        // Folded at once, so that a lane paused and resumed many times still merges two snapshots per view.
        const prior = lane.archive.get(transport);
        const snap = client.metrics(transport, true);
        lane.archive.set(transport, prior === undefined ? snap : mergeSnapshots([prior, snap], now()));
      }
    }
    lane.resumeCursor = client.cursor ?? lane.resumeCursor;
    for (const off of lane.unsubscribe) off();
    lane.unsubscribe = [];
    lane.client = null;
    return client.close();
  }

  function figuresOf(
    lane: Lane,
    transport: TransportName,
    histogram: boolean,
    snap: ClientSnapshot | undefined = lane.client?.snapshot(),
  ): TransportFigures | null {
    const client = lane.client;
    const entry = snap?.transports[transport];
    const archived = lane.archive.get(transport);
    if (entry === undefined && archived === undefined) return null;
    const extras = entry?.extras ?? null;
    if (archived === undefined && entry !== undefined && client !== null) {
      return { transport, metrics: histogram ? client.metrics(transport, true) : entry.metrics, extras };
    }
    const parts = [
      ...(archived === undefined ? [] : [archived]),
      ...(entry !== undefined && client !== null ? [client.metrics(transport, true)] : []),
    ];
    const merged = mergeSnapshots(parts, now());
    if (!histogram) {
      const { histogram: _dropped, ...rest } = merged;
      return { transport, metrics: rest, extras };
    }
    return { transport, metrics: merged, extras };
  }

  function buildView(): LabView {
    version += 1;
    const snaps = lanes.map((lane) => lane.client?.snapshot());
    const laneViews: LaneView[] = lanes.map((lane, i) => {
      const client = lane.client;
      const transport = client?.transport ?? lane.id;
      const snap = snaps[i];
      return {
        transport,
        paused: lane.paused,
        state: client?.state ?? null,
        figures: figuresOf(lane, transport, false, snap),
        cursor: client?.cursor ?? lane.resumeCursor,
        recent: lane.recent.latest(LIMITS.recent),
        chat: lane.chat.latest(LIMITS.chat),
        continuity: {
          delivered: lane.check.delivered,
          skips: lane.check.skips,
          skipped: lane.check.skipped,
          repeats: lane.check.repeats,
          resets: lane.check.resets,
          lastSeq: lane.check.lastSeq,
        },
        lastReset: lane.lastReset,
        error: lane.error,
      };
    });
    const single = config.mode === "single" ? lanes[0] : undefined;
    const perTransport: TransportFigures[] = [];
    if (single !== undefined) {
      for (const t of TRANSPORT_NAMES) {
        const figures = figuresOf(single, t, false, snaps[0]);
        if (figures !== null) perTransport.push(figures);
      }
    }
    const wireView = emptyWire();
    const wireTotals = { ws: 0, sse: 0, longPoll: 0, poll: 0 };
    for (const [t, ring] of wire) {
      wireTotals[t] = ring.total;
      if (wireVisible) wireView[t] = ring.toArray();
    }
    return {
      version,
      mode: config.mode,
      channel: config.channel,
      phase,
      startCursor,
      lanes: laneViews,
      chart: series.toAligned(),
      history,
      perTransport,
      switches: single === undefined ? [] : [...single.check.switches],
      wire: wireView,
      wireTotals,
    };
  }

  function setPhase(next: LabPhase): void {
    phase = next;
    batcher.mark();
  }

  async function start(): Promise<void> {
    for (let attempt = 0; !closed; attempt++) {
      try {
        setPhase({ kind: "starting", detail: "measuring the clock offset" });
        // Eight round trips: the lowest RTT bounds the offset's error, and the first ones pay for connection setup.
        clock = await estimateClockOffset(api.time, { samples: 8, now });
        setPhase({ kind: "starting", detail: "finding the channel head" });
        const head = await api.peek(config.channel);
        const parsedHead = parseCursor(head.cursor);
        const headAt = parsedHead?.kind === "at" ? parsedHead : null;
        const headSeq = headAt?.seq ?? 0;
        if (headAt !== null && headSeq > 0) {
          const from = formatCursor(headAt.epoch, Math.max(0, headSeq - LIMITS.history));
          const past = await api.peek(config.channel, from);
          const at = now();
          history = past.messages
            .filter((m) => m.seq <= headSeq && isChatData(m.data))
            .map((m) => ({
              seq: m.seq,
              time: m.time,
              receivedAt: at,
              latency: null,
              data: m.data,
              transport: "poll",
            }));
        }
        if (closed) return;
        startCursor = head.cursor;
        for (const lane of lanes) {
          lane.check.start(headSeq);
          lane.resumeCursor = startCursor;
          if (!lane.paused) startClient(lane, lane.id, startCursor);
        }
        setPhase({ kind: "running" });
        healthTimer = setInterval(watchHealth, 3000);
        // Requests and bytes change without any message (an empty poll, a ping): refresh the figures anyway.
        refreshTimer = setInterval(() => batcher.mark(), 500);
        return;
      } catch (error) {
        if (closed) return;
        setPhase({
          kind: "unreachable",
          detail: error instanceof Error ? error.message : String(error),
          since: phase.kind === "unreachable" ? phase.since : now(),
        });
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 1000 * 2 ** Math.min(attempt, 2))));
      }
    }
  }

  // While any client is reconnecting, ask /healthz whether the server is there at all, so the
  // page can tell "the server is gone" from "this transport is recovering".
  async function watchHealth(): Promise<void> {
    const struggling = lanes.some((l) => l.client?.state.kind === "reconnecting");
    if (!struggling) {
      if (phase.kind === "unreachable") setPhase({ kind: "running" });
      return;
    }
    const ok = await api.healthy();
    if (closed) return;
    if (!ok && phase.kind !== "unreachable") {
      setPhase({ kind: "unreachable", detail: "GET /healthz got no answer", since: now() });
    } else if (ok && phase.kind === "unreachable") setPhase({ kind: "running" });
  }

  void start();

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getView: () => view,
    setPaused(transport, paused) {
      const lane = laneOf(transport);
      if (lane === undefined || config.mode !== "compare" || lane.paused === paused) return;
      lane.paused = paused;
      if (paused) void retireClient(lane, true);
      else if (started()) startClient(lane, lane.id, lane.resumeCursor);
      batcher.mark();
    },
    switchTransport(transport) {
      const lane = lanes[0];
      const client = lane?.client;
      if (config.mode !== "single" || lane === undefined || client == null) return;
      if (client.transport === transport) return;
      lane.check.switched(client.transport, transport, now(), client.cursor);
      client.switchTransport(transport);
      batcher.mark();
    },
    resetMetrics() {
      series.clear();
      for (const lane of lanes) {
        const transport = lane.client?.transport ?? lane.id;
        void retireClient(lane, false);
        lane.archive.clear();
        const check = new ContinuityCheck();
        check.start(lane.check.lastSeq);
        lane.check = check;
        lane.lastReset = null;
        if (!lane.paused && started()) startClient(lane, transport, lane.resumeCursor);
      }
      batcher.mark();
    },
    setTiming(pollIntervalMs, longPollTimeoutMs) {
      const changed = {
        poll: pollIntervalMs !== config.pollIntervalMs,
        longPoll: longPollTimeoutMs !== config.longPollTimeoutMs,
      };
      if (!changed.poll && !changed.longPoll) return;
      config = { ...config, pollIntervalMs, longPollTimeoutMs };
      for (const lane of lanes) {
        const client = lane.client;
        if (client === null) continue;
        const affected =
          config.mode === "single" ||
          (changed.poll ? lane.id === "poll" : false) ||
          (changed.longPoll ? lane.id === "longPoll" : false);
        if (!affected) continue;
        const transport = client.transport;
        void retireClient(lane, true);
        startClient(lane, transport, lane.resumeCursor);
      }
      batcher.mark();
    },
    async publish(data, via) {
      const lane = laneOf(via);
      const client = lane?.client;
      if (lane === undefined || client == null) {
        throw new Error(
          lane?.paused === true
            ? `${via} is paused: resume it to send over it`
            : `${via} is not connected${lane?.error ? ` (${lane.error})` : ""}`,
        );
      }
      const result = await client.publish(data);
      return { seq: result.seq };
    },
    setWireVisible(visible) {
      wireVisible = visible;
      batcher.mark();
    },
    retry(transport) {
      const lane = laneOf(transport);
      if (lane === undefined || lane.paused || !started()) return;
      const current = lane.client?.transport ?? lane.id;
      void retireClient(lane, true);
      startClient(lane, current, lane.resumeCursor);
      batcher.mark();
    },
    exportFigures() {
      const out: TransportFigures[] = [];
      for (const lane of lanes) {
        for (const t of config.mode === "compare" ? [lane.id] : TRANSPORT_NAMES) {
          const figures = figuresOf(lane, t, true);
          if (figures !== null) out.push(figures);
        }
      }
      return out;
    },
    async close() {
      closed = true;
      if (healthTimer !== undefined) clearInterval(healthTimer);
      if (refreshTimer !== undefined) clearInterval(refreshTimer);
      batcher.dispose();
      phase = { kind: "closed" };
      await Promise.all(lanes.map((lane) => retireClient(lane, false)));
    },
  };
}
