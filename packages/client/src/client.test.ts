import { createClockTracker } from "@transport-lab/metrics";
import type { Json, ResetReason, TransportName } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import type { Attempt } from "./attempt.ts";
import { resolveBaseUrl } from "./base-url.ts";
import { createClientWith } from "./client.ts";
import type { ClientOptions, ClientReset, TransportRegistry } from "./client-api.ts";
import { nodePlatform } from "./node/node-platform.ts";
import type { ClientState } from "./state.ts";
import type { PublishResult, Transport, TransportContext, TransportDrop } from "./transport.ts";

/** A transport the test drives by hand: it records what the client asks and reports what the test says. */
class FakeTransport implements Transport {
  readonly publishNeedsOpen: boolean;
  readonly opens: (string | undefined)[] = [];
  closes = 0;
  resyncs = 0;
  readonly published: Json[] = [];
  #attempt: Attempt | undefined;
  /** WebSocket only: clock samples answered by a server whose clock is 500 ms ahead. */
  readonly ping?: () => Promise<number>;
  pings = 0;

  constructor(
    readonly name: TransportName,
    readonly ctx: TransportContext,
  ) {
    this.publishNeedsOpen = name === "ws";
    if (name === "ws") {
      this.ping = async () => {
        this.pings += 1;
        return performance.timeOrigin + performance.now() + 500;
      };
    }
  }
  open(): void {
    this.#attempt = this.ctx.link.begin();
    this.opens.push(this.ctx.cursor());
  }
  async close(): Promise<void> {
    this.ctx.link.stop();
    this.closes += 1;
  }
  async publish(data: Json): Promise<PublishResult> {
    this.published.push(data);
    return { seq: this.published.length, cursor: `e:${this.published.length}` };
  }
  resync(): void {
    this.resyncs += 1;
  }
  /** Test helpers: the server's side of the conversation, on the attempt of the last open(). */
  hello(cursor: string): void {
    this.#attempt?.hello(cursor);
  }
  send(...seqs: number[]): void {
    for (const seq of seqs) this.#attempt?.deliver({ channel: "c", seq, time: 0, data: seq });
  }
  reset(reason: ResetReason, cursor: string): void {
    this.#attempt?.reset(reason, cursor);
  }
  drop(drop: TransportDrop): void {
    this.#attempt?.end(drop);
  }
}

function setup(transport: TransportName = "ws", cursor?: string, extra: Partial<ClientOptions> = {}) {
  const fakes = new Map<TransportName, FakeTransport>();
  const factory = (name: TransportName) => (ctx: TransportContext) => {
    const fake = new FakeTransport(name, ctx);
    fakes.set(name, fake);
    return fake;
  };
  const registry: TransportRegistry = {
    ws: factory("ws"),
    sse: factory("sse"),
    longPoll: factory("longPoll"),
    poll: factory("poll"),
  };
  const client = createClientWith(nodePlatform, registry, {
    baseUrl: "http://127.0.0.1:1",
    channel: "c",
    transport,
    clock: false,
    backoff: { initialMs: 40, maxMs: 1000, factor: 2, random: () => 0.5 },
    ...(cursor === undefined ? {} : { cursor }),
    ...extra,
  });
  const states: ClientState[] = [];
  const seqs: number[] = [];
  const resets: ClientReset[] = [];
  client.on("state", (s) => states.push(s));
  client.on("message", (e) => seqs.push(e.seq));
  client.on("reset", (r) => resets.push(r));
  const fake = (name: TransportName) => fakes.get(name) as FakeTransport;
  return { client, fake, states, seqs, resets };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe("client state machine", () => {
  it("connects, reconnects after a drop with backoff, and resumes from its cursor", async () => {
    const { client, fake, states, seqs } = setup();
    const ws = fake("ws");
    await tick();
    ws.hello("e:0");
    ws.send(1, 2);
    const cut: TransportDrop = { reason: "server_restart", detail: "close 1012", fatal: false };
    ws.drop(cut);
    ws.drop(cut); // one connection ends once: the second report of the same attempt is dropped
    expect(states.filter((s) => s.kind === "reconnecting")).toHaveLength(1);
    await tick(30); // the first retry (20 ms) opens a new attempt, which fails too
    ws.drop(cut);
    await tick(60);
    ws.hello("e:2");
    expect(states).toEqual([
      { kind: "connecting", transport: "ws", reason: "start" },
      { kind: "open", transport: "ws", reason: "connected", cursor: "e:0" },
      // random 0.5 of the ceilings 40 ms then 80 ms
      {
        kind: "reconnecting",
        transport: "ws",
        reason: "server_restart",
        detail: "close 1012",
        attempt: 1,
        delayMs: 20,
      },
      {
        kind: "reconnecting",
        transport: "ws",
        reason: "server_restart",
        detail: "close 1012",
        attempt: 2,
        delayMs: 40,
      },
      { kind: "open", transport: "ws", reason: "reconnected", cursor: "e:2" },
    ]);
    expect(ws.opens).toEqual([undefined, "e:2", "e:2"]);
    expect(seqs).toEqual([1, 2]);
    expect(client.metrics().reconnects).toBe(2);
    await client.close();
    expect(ws.closes).toBe(1);
  });

  it("drops duplicates, and on a gap discards, asks the transport to resync, and counts it all", async () => {
    const { client, fake, seqs } = setup("poll", "e:0");
    const poll = fake("poll");
    poll.hello("e:0");
    poll.send(1, 2, 2, 5, 6);
    expect(poll.resyncs).toBe(1);
    poll.send(3, 4, 5, 6, 7);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(client.delivery).toEqual({
      delivered: 7,
      duplicates: 1,
      gaps: 1,
      missing: 2,
      discarded: 1,
      reordered: 3,
      resets: 0,
      lost: 0,
    });
    expect(client.metrics()).toMatchObject({ messages: 7, duplicates: 1, gaps: 1, missed: 2, reorders: 3 });
    await client.close();
  });

  it("surfaces server resets and moves its cursor to theirs", async () => {
    const { client, fake, seqs, resets } = setup("sse", "old:9");
    const sse = fake("sse");
    sse.hello("new:4");
    sse.reset("epoch", "new:4");
    sse.send(5);
    // new:1…4 were gone before the client got there: lost to it (old:10 on is unknowable).
    expect(resets).toEqual([{ reason: "epoch", cursor: "new:4", transport: "sse", lost: 4 }]);
    expect(client.metrics()).toMatchObject({ resets: 1, lost: 4 });
    expect(seqs).toEqual([5]);
    expect(client.cursor).toBe("new:5");
    await client.close();
  });

  it("a 400 on a reconnect is a bad_cursor reset (start again from earliest); on the first connect it is fatal", async () => {
    const a = setup("longPoll");
    const lp = a.fake("longPoll");
    lp.hello("e:0");
    lp.send(1);
    // The status decides, not the wording of the detail.
    lp.drop({ reason: "http_error", detail: "Bad Request", status: 400, fatal: true });
    expect(a.resets).toEqual([{ reason: "bad_cursor", cursor: "e:1", transport: "longPoll", lost: 0 }]);
    expect(a.client.state.kind).toBe("reconnecting");
    await tick(30);
    expect(lp.opens).toEqual([undefined, "earliest"]);
    await a.client.close();

    const b = setup("longPoll", "e:7");
    b.fake("longPoll").drop({ reason: "http_error", detail: "HTTP 400", status: 400, fatal: true });
    expect(b.client.state).toEqual({ kind: "closed", reason: "fatal", detail: "http_error: HTTP 400" });
    expect(b.fake("longPoll").closes).toBe(1);
  });

  it("holds a WebSocket publish until the connection is open, and rejects it on close", async () => {
    const { client, fake } = setup("ws");
    const ws = fake("ws");
    const first = client.publish("early");
    await tick();
    expect(ws.published).toEqual([]);
    ws.hello("e:0");
    await expect(first).resolves.toEqual({ seq: 1, cursor: "e:1" });
    ws.drop({ reason: "network", detail: "close 1006", fatal: false });
    const second = client.publish("while reconnecting");
    await client.close();
    await expect(second).rejects.toMatchObject({ code: "closed" });
  });

  it("switches transport keeping the cursor, and ignores the old transport afterwards", async () => {
    const { client, fake, seqs, states } = setup("ws", "e:0");
    const ws = fake("ws");
    ws.hello("e:0");
    ws.send(1, 2);
    client.switchTransport("poll");
    const poll = fake("poll");
    expect(ws.closes).toBe(1);
    expect(poll.opens).toEqual(["e:2"]);
    ws.send(3);
    ws.drop({ reason: "network", detail: "late", fatal: false });
    poll.hello("e:2");
    poll.send(3);
    expect(seqs).toEqual([1, 2, 3]);
    expect(states.map((s) => `${s.kind}:${s.kind === "closed" ? "" : s.transport}`)).toEqual([
      "open:ws",
      "connecting:poll",
      "open:poll",
    ]);
    expect(client.metrics("ws").messages).toBe(2);
    expect(client.metrics("poll").messages).toBe(1);
    await client.close();
  });
});

describe("clock", () => {
  it("estimates from the first open on, renews the estimate every clockIntervalMs, and stops at close", async () => {
    const { client, fake } = setup("ws", undefined, { clock: true, clockIntervalMs: 30 });
    const ws = fake("ws");
    await tick(50);
    expect([client.clock, ws.pings]).toEqual([null, 0]); // nothing before the connection is open
    ws.hello("e:0");
    await tick(100);
    const clock = client.clock;
    expect(clock?.samples).toBeGreaterThanOrEqual(5 + 2 * 3); // the first round, then rounds of 3
    expect(Math.abs((clock?.offset ?? 0) - 500)).toBeLessThanOrEqual((clock?.uncertainty ?? 0) + 1);
    expect(client.metrics().clock).toEqual(clock);
    await client.close();
    const pings = ws.pings;
    await tick(100);
    expect(ws.pings).toBe(pings);
  });

  it("follows a tracker it is given, and leaves starting and stopping it to its owner", async () => {
    let serverAhead = 200;
    const tracker = createClockTracker({
      ping: async () => performance.timeOrigin + performance.now() + serverAhead,
      intervalMs: 0,
    });
    const { client, fake } = setup("sse", undefined, { clock: tracker });
    fake("sse").hello("e:0");
    await tick();
    expect(client.clock).toBeNull();
    await tracker.start();
    expect(Math.round(client.clock?.offset ?? 0)).toBe(200);
    serverAhead = 10_200; // a step: the tracker starts over, and the client follows
    await tracker.round();
    expect(Math.round(client.clock?.offset ?? 0)).toBe(10_200);
    await client.close();
    expect((await tracker.round())?.samples).toBe(5 + 3 + 3); // still the owner's to run
  });
});

describe("resolveBaseUrl", () => {
  it("keeps an absolute URL (path prefix included) without its trailing slash", () => {
    expect(resolveBaseUrl("http://127.0.0.1:3000/")).toBe("http://127.0.0.1:3000");
    expect(resolveBaseUrl("https://lab.example/prefix/")).toBe("https://lab.example/prefix");
  });

  it("resolves '' and paths against the page's location, and refuses them without one", () => {
    const global = globalThis as { location?: { href: string } };
    global.location = { href: "https://lab.example:8443/app/index.html?x=1" };
    try {
      expect(resolveBaseUrl("")).toBe("https://lab.example:8443");
      expect(resolveBaseUrl("/lab")).toBe("https://lab.example:8443/lab");
    } finally {
      delete global.location;
    }
    expect(() => resolveBaseUrl("")).toThrow(TypeError);
    expect(() => resolveBaseUrl("ftp://x")).toThrow(TypeError);
  });
});
