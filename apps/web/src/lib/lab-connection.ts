// The one module that talks to @transport-lab/client. Everything else in the
// app reads the immutable LabView it publishes once per animation frame.
import { choiceKey, createClient, resolveBaseUrl } from "@transport-lab/client";
import { createClockTracker } from "@transport-lab/metrics";
import { linkBaseUrl, TRANSPORT_NAMES } from "@transport-lab/protocol";
import { buildCheck, buildView } from "./build-view.ts";
import { createFrameBatcher, type FrameBatcher } from "./frame-batcher.ts";
import type { LabConnection, LabConnectionOptions } from "./lab-connection-api.ts";
import { findStartPoint, START_STALL_MS } from "./lab-startup.ts";
import type { LabPhase, LabView, ReceivedMessage } from "./lab-view.ts";
import { Lane, type LaneClientFactory, type LaneId, type LaneShared } from "./lane.ts";
import { LANE_NAMES, type LaneName, SOCKET_IO_LANE } from "./lane-names.ts";
import { LatencySeries } from "./latency-series.ts";
import type { RunFigures } from "./saved-runs.ts";
import { loadSocketIo } from "./socketio-lane.ts";
import { SocketIoStarter } from "./socketio-starter.ts";
import { WireRings } from "./wire-rings.ts";

export type { LabConnection, LabConnectionOptions } from "./lab-connection-api.ts";
export type { ClientFactory } from "./lane.ts";

/**
 * `performance.timeOrigin + performance.now()` with the origin read once: both are DOM calls, and
 * at 5,000 messages a second over four transports the clock is read tens of thousands of times
 * (2 % of the main thread in a profile when the origin was read every time).
 */
function wallClock(): () => number {
  const origin = performance.timeOrigin;
  return () => origin + performance.now();
}

/** Connects a page to a channel: starts the shared clock, finds the head, then starts the clients. */
export function createLabConnection(options: LabConnectionOptions): LabConnection {
  const { api } = options;
  let config = options.config;
  const factory = (options.createClient ?? createClient) as LaneClientFactory;
  const now = options.now ?? wallClock();
  const listeners = new Set<() => void>();
  const series = new LatencySeries(LANE_NAMES.length);
  const wire = new WireRings();
  let phase: LabPhase = { kind: "starting", detail: "measuring the clock offset", stalledSince: null };
  // One clock for the four transports, so that latency differences are theirs, not the estimates':
  // eight round trips first (the lowest RTT bounds the error, and the first ones pay for connection
  // setup), three more every 30 s, the best kept and the drift followed, for the page's whole life.
  const clock = createClockTracker({ ping: api.time, now, samples: 8 });
  /** Set just before start() creates the first clients: until then no control may create one. */
  let startCursor: string | undefined;
  const started = () => startCursor !== undefined;
  let history: readonly ReceivedMessage[] = [];
  let wireVisible = false;
  let closed = false;
  let version = 0;
  const timers: ReturnType<typeof setInterval>[] = [];

  const shared: LaneShared = {
    series,
    now,
    changed: () => batcher.mark(),
    wire: (event) => {
      wire.push(event);
      batcher.mark();
    },
    wireWanted: () => wireVisible,
  };
  const newLane = (id: LaneId) =>
    new Lane(id, id !== "auto" && config.mode === "compare" && config.paused.includes(id), shared);
  const lanes = (
    config.mode === "compare"
      ? LANE_NAMES.filter((name) => name !== SOCKET_IO_LANE || config.socketio)
      : [config.transport]
  ).map(newLane);

  const rebuild = (): LabView => {
    version += 1;
    return buildView(lanes, {
      version,
      mode: config.mode,
      channel: config.channel,
      network: config.network,
      phase,
      startCursor,
      history,
      series,
      wire,
      wireVisible,
      now: now(),
    });
  };
  let view: LabView = rebuild();
  const batcher: FrameBatcher = createFrameBatcher({
    flush: () => {
      view = rebuild();
      for (const listener of listeners) listener();
    },
    minIntervalMs: options.minIntervalMs ?? 100,
    ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
  });

  const laneOf = (transport: LaneName) =>
    config.mode === "compare" ? lanes.find((l) => l.id === transport) : lanes[0];

  /**
   * Every client goes through the chosen network (a link of the server's origin, not one inside the
   * link the page may have been opened under); the page's own requests (clock, head) do not.
   */
  const clientBaseUrl = () =>
    config.network === ""
      ? config.baseUrl
      : `${new URL(config.baseUrl).origin}${linkBaseUrl(config.network)}`;
  const socketIo = new SocketIoStarter({
    load: options.loadSocketIo ?? loadSocketIo,
    now,
    baseUrl: clientBaseUrl,
    channel: () => config.channel,
    websocketOnly: () => config.socketioWebsocketOnly,
    wants: (lane) => !closed && lanes.includes(lane) && !lane.paused && lane.client === null,
    changed: () => batcher.mark(),
  });
  /** What a lane's next client runs: Auto stays Auto; a fixed client keeps its transport. */
  const targetOf = (lane: Lane): LaneId =>
    lane.client === null ? lane.id : lane.client.auto ? "auto" : lane.client.transport;

  function startClient(lane: Lane, transport: LaneId): void {
    if (transport === SOCKET_IO_LANE) {
      socketIo.start(lane);
      return;
    }
    const cursor = lane.resumeCursor;
    lane.start(() =>
      factory({
        baseUrl: clientBaseUrl(),
        channel: config.channel,
        transport,
        ...(cursor === undefined ? {} : { cursor }),
        pollIntervalMs: config.pollIntervalMs,
        longPollTimeoutMs: config.longPollTimeoutMs,
        // The page's tracker: clients follow it as it improves, and neither start nor stop it.
        clock,
        // The page keeps its own per-transport wire rings, which survive client replacement.
        wireLogSize: 0,
        now,
      }),
    );
  }

  /** A new Auto client on the single lane, from the same cursor; its first move is checked like a switch. */
  function replaceWithAuto(lane: Lane, from: LaneName): void {
    const cursor = lane.client?.cursor;
    void lane.retire(true);
    startClient(lane, "auto");
    const to = lane.client?.transport;
    if (to !== undefined && to !== from) lane.check.switched(from, to, now(), cursor);
    batcher.mark();
  }

  function setPhase(next: LabPhase): void {
    phase = next;
    batcher.mark();
  }

  async function start(): Promise<void> {
    for (let attempt = 0; !closed; attempt++) {
      // A step that gets no answer for START_STALL_MS is flagged: the page says why that happens.
      let stallTimer: ReturnType<typeof setTimeout> | undefined;
      const step = (detail: string) => {
        clearTimeout(stallTimer);
        setPhase({ kind: "starting", detail, stalledSince: null });
        const since = now();
        stallTimer = setTimeout(() => {
          if (phase.kind === "starting" && !closed)
            setPhase({ kind: "starting", detail, stalledSince: since });
        }, START_STALL_MS);
      };
      try {
        const point = await findStartPoint(api, config.channel, clock, now, step);
        clearTimeout(stallTimer);
        if (closed) return;
        history = point.history;
        startCursor = point.cursor;
        for (const lane of lanes) {
          lane.check.start(point.headSeq);
          lane.resumeCursor = startCursor;
          if (!lane.paused) startClient(lane, lane.id);
        }
        setPhase({ kind: "running" });
        timers.push(setInterval(watchHealth, 3000));
        // Requests and bytes change without any message (an empty poll, a ping): refresh the figures anyway.
        timers.push(setInterval(() => batcher.mark(), 500));
        return;
      } catch (error) {
        clearTimeout(stallTimer);
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
      if (paused) void lane.retire(true);
      else if (started()) startClient(lane, lane.id);
      batcher.mark();
    },
    switchTransport(transport) {
      const lane = lanes[0];
      const client = lane?.client;
      if (config.mode !== "single" || lane === undefined || client == null) return;
      if (transport === "auto") {
        if (!client.auto) replaceWithAuto(lane, client.transport);
        return;
      }
      // Picking the transport Auto is on ends Auto without a move.
      if (client.transport !== transport)
        lane.check.switched(client.transport, transport, now(), client.cursor);
      client.switchTransport(transport);
      batcher.mark();
    },
    restartAuto() {
      const lane = lanes[0];
      if (config.mode !== "single" || lane === undefined || lane.client === null) return;
      try {
        globalThis.sessionStorage?.removeItem(choiceKey(resolveBaseUrl(clientBaseUrl())));
      } catch {
        // Storage denied: Auto remembers nothing there anyway.
      }
      replaceWithAuto(lane, lane.client.transport);
    },
    resetMetrics() {
      series.clear();
      for (const lane of lanes) {
        const transport = targetOf(lane);
        void lane.retire(false);
        lane.forget();
        if (!lane.paused && started()) startClient(lane, transport);
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
          (changed.poll && lane.id === "poll") ||
          (changed.longPoll && lane.id === "longPoll");
        if (!affected) continue;
        const transport = targetOf(lane);
        void lane.retire(true);
        startClient(lane, transport);
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
      for (const lane of lanes) lane.listenToWire(visible);
      batcher.mark();
    },
    retry(transport) {
      const lane = laneOf(transport);
      if (lane === undefined || lane.paused || !started()) return;
      const current = targetOf(lane);
      void lane.retire(true);
      startClient(lane, current);
      batcher.mark();
    },
    setSocketIo(on, websocketOnly) {
      if (config.mode !== "compare" || closed) return;
      const make = () => newLane(SOCKET_IO_LANE);
      const from = started() ? startCursor : undefined;
      // Another way to connect is another lane: the old one goes, a new one comes from the head.
      if (websocketOnly !== config.socketioWebsocketOnly) socketIo.turn(false, lanes, make, from);
      config = { ...config, socketio: on, socketioWebsocketOnly: websocketOnly };
      socketIo.turn(on, lanes, make, from);
      batcher.mark();
    },
    markCut() {
      const at = now();
      for (const lane of lanes) {
        lane.events.push({
          kind: "cut",
          at,
          transport: lane.transport,
          detail: "Disconnect everyone",
        });
      }
      batcher.mark();
    },
    exportFigures() {
      const out: RunFigures[] = [];
      const at = now();
      // In single mode one check covers every transport the lane used: it belongs to none of them alone.
      const checkOf = (lane: Lane) => (config.mode === "compare" ? buildCheck(lane) : null);
      for (const lane of lanes) {
        for (const t of config.mode === "compare" ? [lane.transport] : TRANSPORT_NAMES) {
          const figures = lane.archive.figures(t, lane.client, true, at);
          if (figures !== null) out.push({ ...figures, check: checkOf(lane) });
        }
      }
      return out;
    },
    async close() {
      closed = true;
      clock.stop();
      socketIo.stop();
      for (const timer of timers) clearInterval(timer);
      batcher.dispose();
      phase = { kind: "closed" };
      await Promise.all(lanes.map((lane) => lane.retire(false)));
    },
  };
}
