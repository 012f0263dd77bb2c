import type { Client, ClientEvents, ClientOptions, ClientState } from "@transport-lab/client";
import { createMetricsRecorder, type MetricsRecorder } from "@transport-lab/metrics";
import type { Envelope, Json, PollResponse, TransportName } from "@transport-lab/protocol";
import { describe, expect, it, vi } from "vitest";
import type { FrameScheduler } from "./frame-batcher.ts";
import { createLabConnection } from "./lab-connection.ts";
import type { LabConfig } from "./lab-view.ts";
import { chatData } from "./message-kind.ts";
import type { ServerApi } from "./server-api.ts";

/** A client that delivers what the test tells it to, with real metrics recorders. */
class FakeClient {
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

  get clock() {
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

function fakeApi(head = "e:10"): ServerApi {
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

const config: LabConfig = {
  baseUrl: "http://lab",
  network: "",
  channel: "chat",
  mode: "compare",
  transport: "ws",
  pollIntervalMs: 1000,
  longPollTimeoutMs: 25000,
  paused: [],
};

function setup(
  overrides: Partial<LabConfig> = {},
  factory?: (o: ClientOptions) => FakeClient,
  api: ServerApi = fakeApi(),
) {
  const clients: FakeClient[] = [];
  const connection = createLabConnection({
    config: { ...config, ...overrides },
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

describe("createLabConnection", () => {
  it("starts one client per transport from the channel head, sharing one clock offset", async () => {
    const { connection, clients, running } = setup();
    await running();
    expect(clients.map((c) => c.options.transport)).toEqual(["ws", "sse", "longPoll", "poll"]);
    expect(clients.every((c) => c.options.cursor === "e:10")).toBe(true);
    const clock = clients[0]?.options.clock;
    expect(typeof clock).toBe("object");
    expect(clients.every((c) => c.options.clock === clock)).toBe(true);
    expect(connection.getView().startCursor).toBe("e:10");
    await connection.close();
    expect(clients.every((c) => c.closed)).toBe(true);
  });

  it("keeps only chat lines from before the page joined as history", async () => {
    const { connection, running, settle } = setup();
    await running();
    await settle();
    expect(connection.getView().history.map((m) => m.seq)).toEqual([9]);
    await connection.close();
  });

  it("asks for the history from the head's epoch, at most LIMITS.history messages back", async () => {
    const api = fakeApi("ep_1-x:40");
    const peek = vi.spyOn(api, "peek");
    const { connection, clients, running } = setup({}, undefined, api);
    await running();
    expect(peek.mock.calls.map((call) => call[1])).toEqual([undefined, "ep_1-x:10"]);
    expect(clients.every((c) => c.options.cursor === "ep_1-x:40")).toBe(true);
    await connection.close();
  });

  it("keeps only well-formed chat lines in a lane's chat list", async () => {
    const { connection, running, settle, live } = setup();
    await running();
    live("ws")[0]?.deliver(11, chatData("Ada", "hello"));
    live("ws")[0]?.deliver(12, { chat: "not a chat" });
    live("ws")[0]?.deliver(13);
    await settle();
    const ws = connection.getView().lanes.find((l) => l.transport === "ws");
    expect(ws?.chat.map((m) => m.seq)).toEqual([11]);
    expect(ws?.recent.map((m) => m.seq)).toEqual([13, 12, 11]);
    await connection.close();
  });

  it("counts across a pause: the resumed client starts from the cursor and the figures add up", async () => {
    const { connection, clients, running, settle, live } = setup();
    await running();
    live("sse")[0]?.deliver(11);
    live("sse")[0]?.deliver(12);
    connection.setPaused("sse", true);
    await settle();
    expect(live("sse")).toEqual([]);
    const paused = connection.getView().lanes.find((l) => l.transport === "sse");
    expect(paused?.paused).toBe(true);
    expect(paused?.figures?.metrics.messages).toBe(2);
    connection.setPaused("sse", false);
    const resumed = live("sse")[0];
    expect(resumed?.options.cursor).toBe("e:12");
    resumed?.deliver(13);
    await settle();
    const lane = connection.getView().lanes.find((l) => l.transport === "sse");
    expect(lane?.figures?.metrics.messages).toBe(3);
    expect(lane?.figures?.metrics.httpRequests).toBe(3);
    expect(lane?.continuity).toMatchObject({ delivered: 3, skips: 0, repeats: 0, lastSeq: 13 });
    expect(clients.length).toBe(5);
    await connection.close();
  });

  it("adds up every client of a lane paused and resumed three times, histograms included", async () => {
    const { connection, clients, running, settle, live } = setup();
    await running();
    let seq = 10;
    for (let round = 0; round < 3; round++) {
      live("sse")[0]?.deliver(++seq);
      live("sse")[0]?.deliver(++seq);
      connection.setPaused("sse", true);
      connection.setPaused("sse", false);
    }
    live("sse")[0]?.deliver(++seq);
    await settle();
    expect(clients.filter((c) => c.transport === "sse").length).toBe(4);
    const exported = connection.exportFigures().find((f) => f.transport === "sse");
    expect(exported?.metrics.messages).toBe(7);
    expect(exported?.metrics.httpRequests).toBe(7);
    expect(exported?.metrics.histogram?.count).toBe(7);
    expect(exported?.metrics.latency.count).toBe(7);
    expect(connection.getView().lanes.find((l) => l.transport === "sse")?.figures?.metrics.messages).toBe(7);
    connection.setPaused("sse", true);
    await settle();
    const paused = connection.exportFigures().find((f) => f.transport === "sse");
    expect(paused?.metrics.messages).toBe(7);
    expect(paused?.metrics.histogram?.count).toBe(7);
    await connection.close();
  });

  it("reset zeroes the figures and the chart but resumes from the same cursor", async () => {
    const { connection, running, settle, live } = setup();
    await running();
    live("ws")[0]?.deliver(11);
    connection.resetMetrics();
    await settle();
    const ws = live("ws")[0];
    expect(ws?.options.cursor).toBe("e:11");
    const view = connection.getView();
    expect(view.lanes[0]?.figures?.metrics.messages).toBe(0);
    expect(view.chart[0]).toEqual([]);
    ws?.deliver(12);
    await settle();
    expect(connection.getView().lanes[0]?.continuity).toMatchObject({ delivered: 1, skips: 0 });
    await connection.close();
  });

  it("records a single-mode switch and the first seq after it", async () => {
    const { connection, clients, running, settle } = setup({ mode: "single", transport: "ws" });
    await running();
    const client = clients[0] as FakeClient;
    client.deliver(11);
    connection.switchTransport("poll");
    client.deliver(12);
    await settle();
    const view = connection.getView();
    expect(view.switches).toEqual([
      {
        from: "ws",
        to: "poll",
        at: expect.any(Number),
        cursor: "e:11",
        lastSeqBefore: 11,
        firstSeqAfter: 12,
        superseded: false,
      },
    ]);
    expect(view.perTransport.map((f) => [f.transport, f.metrics.messages])).toEqual([
      ["ws", 1],
      ["poll", 1],
    ]);
    expect(view.lanes[0]?.transport).toBe("poll");
    await connection.close();
  });

  it("runs Auto in the single view: its moves are checked like switches, its decisions shown", async () => {
    const { connection, clients, running, settle } = setup({
      mode: "single",
      transport: "auto",
      network: "ws-blocked",
    });
    await running();
    const auto = clients[0] as FakeClient;
    expect(auto.options.transport).toBe("auto");
    // Every client goes through the network; the page's own requests (the fake API) do not.
    expect(auto.options.baseUrl).toBe("http://lab/link/ws-blocked");
    auto.deliver(11);
    auto.move("sse", "fallback");
    auto.emit("decision", {
      at: 1,
      tried: "ws",
      why: "first",
      outcome: "failed",
      reason: "network: WebSocket error",
      tookMs: 5,
      check: { reachable: true, tookMs: 1 },
      action: "fall_back",
      next: "sse",
    });
    auto.deliver(12);
    await settle();
    let view = connection.getView();
    expect(view.network).toBe("ws-blocked");
    expect(view.lanes[0]).toMatchObject({ transport: "sse", auto: true });
    expect(view.lanes[0]?.decisions.map((d) => d.action)).toEqual(["fall_back"]);
    expect(view.switches.map((s) => [s.from, s.to, s.lastSeqBefore, s.firstSeqAfter])).toEqual([
      ["ws", "sse", 11, 12],
    ]);
    // A new poll interval replaces the client: Auto stays Auto.
    connection.setTiming(500, 25000);
    expect(clients[1]?.options.transport).toBe("auto");
    expect(clients[1]?.options.cursor).toBe("e:12");
    // Picking a transport ends Auto on the same client; picking Auto again starts a new one.
    connection.switchTransport("ws");
    expect(clients[1]?.auto).toBe(false);
    connection.switchTransport("auto");
    expect(clients.map((c) => [c.options.transport, c.closed])).toEqual([
      ["auto", true],
      ["auto", true],
      ["auto", false],
    ]);
    await settle();
    view = connection.getView();
    expect(view.lanes[0]?.decisions).toHaveLength(1);
    await connection.close();
  });

  it("keeps the other transports running when one cannot start", async () => {
    const { connection, running, settle, live } = setup({}, (options) => {
      if (options.transport === "sse") throw new Error("no EventSource here");
      return new FakeClient(options);
    });
    await running();
    await settle();
    const lanes = connection.getView().lanes;
    expect(lanes.find((l) => l.transport === "sse")?.error).toBe("no EventSource here");
    expect(live("ws").length).toBe(1);
    await expect(connection.publish(null, "sse")).rejects.toThrow(
      "sse is not connected (no EventSource here)",
    );
    await connection.close();
  });

  it("publishes over the chosen lane, and refuses a paused one", async () => {
    const { connection, running, live } = setup({ paused: ["poll"] });
    await running();
    expect(await connection.publish("hello", "longPoll")).toEqual({ seq: 99 });
    expect(live("longPoll")[0]?.published).toEqual(["hello"]);
    await expect(connection.publish("x", "poll")).rejects.toThrow("poll is paused");
    await connection.close();
  });

  it("starts no extra client when a control is used while the server is unreachable", async () => {
    const api = fakeApi();
    const time = api.time;
    let failures = 1;
    api.time = () => (failures-- > 0 ? Promise.reject(new Error("connection refused")) : time());
    const { connection, clients, settle, live } = setup({ paused: ["poll"] }, undefined, api);
    await vi.waitFor(() => expect(connection.getView().phase.kind).toBe("unreachable"));
    connection.resetMetrics();
    connection.setPaused("sse", true);
    connection.setPaused("sse", false);
    connection.setPaused("poll", false);
    connection.retry("ws");
    expect(clients).toEqual([]);
    await vi.waitFor(() => expect(connection.getView().phase.kind).toBe("running"), { timeout: 3000 });
    await settle();
    for (const t of ["ws", "sse", "longPoll", "poll"] as const) expect(live(t).length).toBe(1);
    expect(clients.length).toBe(4);
    expect(clients.every((c) => c.options.cursor === "e:10")).toBe(true);
    await connection.close();
    expect(clients.every((c) => c.closed)).toBe(true);
  });

  it("replaces only the affected client when the poll interval changes", async () => {
    const { connection, clients, running } = setup();
    await running();
    connection.setTiming(250, 25000);
    expect(clients.filter((c) => c.closed).map((c) => c.transport)).toEqual(["poll"]);
    expect(live(clients, "poll")?.options.pollIntervalMs).toBe(250);
    await connection.close();
  });
});

function live(clients: FakeClient[], t: TransportName): FakeClient | undefined {
  return clients.find((c) => !c.closed && c.transport === t);
}
