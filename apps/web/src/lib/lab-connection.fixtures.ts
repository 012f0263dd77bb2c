// Test fixtures of lab-connection's tests: a fake client with real recorders, a fake server API.
import type { Client, ClientEvents, ClientOptions, ClientState } from "@transport-lab/client";
import { type ClockOffset, createMetricsRecorder, type MetricsRecorder } from "@transport-lab/metrics";
import type { Envelope, Json, PollResponse, TransportName } from "@transport-lab/protocol";
import { expect, vi } from "vitest";
import type { FrameScheduler } from "./frame-batcher.ts";
import { createLabConnection } from "./lab-connection.ts";
import type { LabConfig } from "./lab-view.ts";
import { chatData } from "./message-kind.ts";
import type { ServerApi } from "./server-api.ts";

/** A client that delivers what the test tells it to, with real metrics recorders. */
export class FakeClient {
  readonly listeners: { [K in keyof ClientEvents]?: ((v: ClientEvents[K]) => void)[] } = {};
  readonly recorders = new Map<TransportName, MetricsRecorder>();
  state: ClientState;
  transport: TransportName;
  /** Auto picks WebSocket here; the test moves it as the real client's picker would. */
  auto: boolean;
  cursor: string | undefined;
  closed = false;
  readonly published: Json[] = [];

  constructor(readonly options: ClientOptions) {
    this.auto = options.transport === "auto";
    this.transport = options.transport === "auto" ? "ws" : options.transport;
    this.cursor = options.cursor;
    this.state = {
      kind: "open",
      transport: this.transport,
      reason: "connected",
      cursor: options.cursor ?? "",
    };
    this.#recorder(this.transport);
  }

  #recorder(name: TransportName): MetricsRecorder {
    let r = this.recorders.get(name);
    if (r === undefined) {
      r = createMetricsRecorder({ transport: name, now: () => 1000 });
      this.recorders.set(name, r);
    }
    return r;
  }

  get delivery() {
    return { delivered: 0, duplicates: 0, gaps: 0, missing: 0, discarded: 0, reordered: 0, resets: 0 };
  }

  get clock(): ClockOffset | null {
    return null;
  }

  on<K extends keyof ClientEvents>(type: K, listener: (v: ClientEvents[K]) => void): () => void {
    this.listeners[type] ??= [];
    const list = this.listeners[type] as ((v: ClientEvents[K]) => void)[];
    list.push(listener);
    return () => list.splice(list.indexOf(listener), 1);
  }

  emit<K extends keyof ClientEvents>(type: K, value: ClientEvents[K]): void {
    for (const l of (this.listeners[type] ?? []) as ((v: ClientEvents[K]) => void)[]) l(value);
  }

  /** Delivers seq with the given data, as the client would after its sequencer. */
  deliver(seq: number, data: Json = { tick: seq, pad: "" }): void {
    const epoch = (this.cursor ?? "e:0").split(":")[0];
    this.cursor = `${epoch}:${seq}`;
    this.#recorder(this.transport).recordMessage(5);
    this.#recorder(this.transport).recordRequest();
    const envelope: Envelope = { channel: "chat", seq, time: 900, data };
    this.emit("message", envelope);
  }

  async publish(data: Json) {
    this.published.push(data);
    return { seq: 99, cursor: "e:99" };
  }

  switchTransport(name: TransportName): void {
    this.auto = false;
    this.move(name, "switch");
  }

  /** A move of the client's own (Auto's fallback or upgrade), or one the caller asked for. */
  move(name: TransportName, reason: "switch" | "fallback" | "upgrade"): void {
    this.transport = name;
    this.#recorder(name);
    this.state = { kind: "connecting", transport: name, reason };
    this.emit("state", this.state);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  metrics(name: TransportName = this.transport, histogram = false) {
    return this.#recorder(name).snapshot({ histogram });
  }

  snapshot() {
    const transports: Record<string, unknown> = {};
    for (const [name, r] of this.recorders) transports[name] = { metrics: r.snapshot(), extras: null };
    return {
      transport: this.transport,
      state: this.state,
      cursor: this.cursor,
      delivery: this.delivery,
      clock: null,
      transports,
    };
  }

  wireEvents() {
    return [];
  }
}

const microtaskFrames: FrameScheduler = (callback) => {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) callback(performance.now());
  });
  return () => {
    cancelled = true;
  };
};

export function fakeApi(head = "e:10"): ServerApi {
  return {
    time: async () => Date.now(),
    peek: async (_channel: string, cursor?: string): Promise<PollResponse> =>
      cursor === undefined
        ? { cursor: head, messages: [] }
        : {
            cursor: head,
            messages: [
              { channel: "chat", seq: 8, time: 1, data: { chat: "not a chat" } },
              { channel: "chat", seq: 9, time: 1, data: chatData("Ada", "hi") },
              { channel: "chat", seq: 10, time: 2, data: { tick: 1, pad: "" } },
            ],
          },
    healthy: async () => true,
    metrics: vi.fn(),
    channel: vi.fn(),
    setGenerator: vi.fn(),
    disconnect: vi.fn(),
  } as unknown as ServerApi;
}

/** The compare view's config the tests start from. */
export const BASE_CONFIG: LabConfig = {
  baseUrl: "http://lab",
  network: "",
  channel: "chat",
  mode: "compare",
  transport: "ws",
  pollIntervalMs: 1000,
  longPollTimeoutMs: 25000,
  paused: [],
  socketio: false,
  socketioWebsocketOnly: false,
};

export function setup(
  overrides: Partial<LabConfig> = {},
  factory?: (o: ClientOptions) => FakeClient,
  api: ServerApi = fakeApi(),
) {
  const clients: FakeClient[] = [];
  const connection = createLabConnection({
    config: { ...BASE_CONFIG, ...overrides },
    api,
    createClient: (options) => {
      const client = factory?.(options) ?? new FakeClient(options);
      clients.push(client);
      return client as unknown as Client;
    },
    schedule: microtaskFrames,
    minIntervalMs: 0,
  });
  const running = () => vi.waitFor(() => expect(connection.getView().phase.kind).toBe("running"));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const live = (t: TransportName) => clients.filter((c) => !c.closed && c.transport === t);
  return { connection, clients, running, settle, live };
}

/** The live client of transport `t`, if any. */
export function live(clients: FakeClient[], t: TransportName): FakeClient | undefined {
  return clients.find((c) => !c.closed && c.transport === t);
}
