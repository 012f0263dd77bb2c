import { afterEach, describe, expect, it, vi } from "vitest";
import type { Connection, CutReason } from "./channel.ts";
import { DEFAULT_OPTIONS, type ServerOptions } from "./config.ts";
import { Hub } from "./hub.ts";
import { createServerCounters } from "./server-metrics.ts";

const makeHub = (overrides: Partial<ServerOptions> = {}) =>
  new Hub({ ...DEFAULT_OPTIONS, ...overrides }, createServerCounters());

/** One turn of the event loop: what {@link Hub.releaseSoon} waits for. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const conn = (
  transport: Connection["transport"],
  address = "10.0.0.1",
  cut: (reason: CutReason) => void = () => {},
): Connection => ({
  transport,
  address,
  cut,
});

describe("Hub", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("has `chat` from the start, creates channels on use up to maxChannels, validates names", async () => {
    const hub = makeHub({ maxChannels: 2 });
    expect(hub.list().map((c) => c.name)).toEqual(["chat"]);
    expect(hub.find("nope")).toBeUndefined();
    const a = await hub.obtain("a", "10.0.0.1");
    expect(await hub.obtain("a", "10.0.0.1")).toBe(a);
    await expect(hub.obtain("b", "10.0.0.1")).rejects.toMatchObject({ status: 503, code: "channel_limit" });
    // find() only looks: a name that is not valid is simply not there.
    expect(hub.find("Bad!")).toBeUndefined();
    await expect(hub.obtain("Bad!", "10.0.0.1")).rejects.toMatchObject({ status: 400, code: "bad_channel" });
    expect(hub.list().map((c) => c.name)).toEqual(["chat", "a"]);
  });

  it("counts attached connections per channel, transport and in total; detach is idempotent", async () => {
    const hub = makeHub({ maxConnections: 2 });
    const chat = await hub.obtain("chat", undefined);
    const ws = conn("ws");
    const sse = conn("sse", "10.0.0.2");
    hub.attach(chat, ws);
    hub.attach(chat, sse);
    expect(chat.info().subscribers).toEqual({ ws: 1, sse: 1, longPoll: 0 });
    expect(hub.counters.transports.sse.connections).toBe(1);
    expect(hub.connectionCount).toBe(2);
    expect(() => hub.checkCapacity("10.0.0.3")).toThrow(
      expect.objectContaining({ status: 503, code: "connection_limit" }),
    );
    hub.detach(chat, ws);
    hub.detach(chat, ws);
    expect(hub.connectionCount).toBe(1);
    expect(chat.info().subscribers).toEqual({ ws: 0, sse: 1, longPoll: 0 });
    expect(() => hub.checkCapacity("10.0.0.3")).not.toThrow();
    hub.detach(chat, sse);
    expect(hub.counters.transports.ws.connections + hub.counters.transports.sse.connections).toBe(0);
  });

  it("obtainHeld: a channel made for a connection refused or gone meanwhile is released, its creator's budget back", async () => {
    const hub = makeHub({ maxConnectionsPerAddress: 1, maxChannelsPerAddress: 1 });
    const chat = await hub.obtain("chat", undefined);
    // Another connection of the address is held while "fresh" is being obtained.
    const refused = hub.obtainHeld("fresh", "10.0.0.1", () => false);
    hub.attach(chat, conn("ws"));
    await expect(refused).rejects.toMatchObject({ status: 503, code: "connection_limit" });
    await turn();
    expect(hub.find("fresh")).toBeUndefined();
    // The client left while its channel was obtained.
    expect(await hub.obtainHeld("gone", "10.0.0.2", () => true)).toBeUndefined();
    await turn();
    expect(hub.find("gone")).toBeUndefined();
    // Neither counts against its address: each may still make its one channel.
    hub.detach(chat, chat.connections.values().next().value as Connection);
    expect((await hub.obtainHeld("kept", "10.0.0.1", () => false))?.name).toBe("kept");
    const other = await hub.obtain("other", "10.0.0.2");
    // A channel with messages stays when a connection to it is refused or gone.
    await hub.append(other, "1");
    hub.attach(chat, conn("sse"));
    await expect(hub.obtainHeld("other", "10.0.0.1", () => false)).rejects.toMatchObject({ status: 503 });
    expect(await hub.obtainHeld("other", "10.0.0.3", () => true)).toBeUndefined();
    await turn();
    expect(hub.find("other")).toBe(other);
  });

  it("obtainHeld: a new channel given up by one connection stays for another that obtained it meanwhile", async () => {
    const hub = makeHub();
    // Two first connections to one new name; the first one's client has left.
    const [left, held] = await Promise.all([
      hub.obtainHeld("new", "10.0.0.1", () => true),
      hub.obtainHeld("new", "10.0.0.2", () => false),
    ]);
    expect(left).toBeUndefined();
    const channel = held as NonNullable<typeof held>;
    hub.attach(channel, conn("sse", "10.0.0.2"));
    await turn();
    // Still the channel publishes go to, with its connection.
    expect(hub.find("new")).toBe(channel);
    expect(channel.connections.size).toBe(1);
  });

  it("caps held connections per address; other addresses are not affected", async () => {
    const hub = makeHub({ maxConnectionsPerAddress: 2 });
    const chat = await hub.obtain("chat", undefined);
    const held = [conn("ws", "10.0.0.1"), conn("sse", "10.0.0.1")];
    for (const c of held) hub.attach(chat, c);
    expect(hub.connectionsOf("10.0.0.1")).toBe(2);
    expect(() => hub.checkCapacity("10.0.0.1")).toThrow(
      expect.objectContaining({ status: 503, code: "connection_limit" }),
    );
    expect(() => hub.checkCapacity("10.0.0.2")).not.toThrow();
    hub.detach(chat, held[0] as Connection);
    expect(() => hub.checkCapacity("10.0.0.1")).not.toThrow();
  });

  it("caps the channels one address creates, and forgets a channel nothing uses", async () => {
    const hub = makeHub({ maxChannelsPerAddress: 2 });
    const a = await hub.obtain("a", "10.0.0.1");
    await hub.obtain("b", "10.0.0.1");
    await expect(hub.obtain("c", "10.0.0.1")).rejects.toMatchObject({ status: 503, code: "channel_limit" });
    expect((await hub.obtain("c", "10.0.0.2")).name).toBe("c");
    // Using a channel someone else made costs nothing.
    expect((await hub.obtain("c", "10.0.0.1")).name).toBe("c");
    // A subscriber keeps a channel; its leaving removes it (it had no message), freeing the slot.
    const sub = conn("ws");
    hub.attach(a, sub);
    hub.release(a);
    expect(hub.find("a")).toBe(a);
    const epoch = a.log.state().epoch;
    hub.detach(a, sub);
    expect(hub.find("a")).toBeUndefined();
    expect((await hub.obtain("d", "10.0.0.1")).name).toBe("d");
    // Made again, it has the same epoch: a cursor a client got from it still fits.
    hub.sweep();
    expect(hub.find("b")).toBeUndefined();
    expect((await hub.obtain("a", "10.0.0.3")).log.state().epoch).toBe(epoch);
    expect(hub.emptyState("zz").epoch).toBe((await hub.obtain("zz", "10.0.0.3")).log.state().epoch);
    // A channel with a message stays; `chat` always stays.
    const kept = await hub.obtain("kept", "10.0.0.4");
    return hub.append(kept, "1").then(() => {
      hub.sweep();
      expect(hub.list().map((c) => c.name)).toEqual(expect.arrayContaining(["chat", "kept"]));
      expect(hub.find("zz")).toBeUndefined();
    });
  });

  it("keeps all channels within maxRetainedBytes by trimming the largest channel first", async () => {
    // Entry sizes vary by a byte or two with the wall-clock `time`, so budgets are set from one.
    const probeHub = makeHub();
    const probe = await probeHub.append(await probeHub.obtain("p", undefined), '"xxxxxxxx"');
    const size = probe.size;
    const hub = makeHub({ maxRetainedBytes: 6 * size, maxChannelBytes: 5 * size });
    const big = await hub.obtain("b", "10.0.0.1");
    const small = await hub.obtain("s", "10.0.0.2");
    await hub.append(small, '"xxxxxxxx"');
    await hub.append(small, '"xxxxxxxx"');
    for (let i = 0; i < 9; i++) await hub.append(big, '"xxxxxxxx"');
    // The channel budget holds `b` to about 5 entries; the server budget then takes from `b`, not `s`.
    expect(hub.retainedBytes).toBeLessThanOrEqual(6 * size);
    expect(hub.retainedBytes).toBe(big.log.state().bytes + small.log.state().bytes);
    expect(small.log.state()).toMatchObject({ seq: 2, oldestSeq: 1 });
    expect(big.log.state().seq).toBe(9);
    expect(big.log.state().oldestSeq).toBeGreaterThanOrEqual(6);
  });

  it("cut() reaches every connection of one channel or of all, with the reason, and counts them", async () => {
    const hub = makeHub();
    const reasons: [string, CutReason][] = [];
    for (const [ch, transport] of [
      ["chat", "ws"],
      ["chat", "longPoll"],
      ["other", "sse"],
    ] as const) {
      hub.attach(
        await hub.obtain(ch, "10.0.0.1"),
        conn(transport, "10.0.0.1", (reason: CutReason) => {
          reasons.push([`${ch}/${transport}`, reason]);
        }),
      );
    }
    expect(hub.cut("disconnect", await hub.obtain("chat", undefined))).toBe(2);
    expect(reasons).toEqual([
      ["chat/ws", "disconnect"],
      ["chat/longPoll", "disconnect"],
    ]);
    // The two already cut (these test connections never detach) are not cut again.
    expect(hub.cut("shutdown")).toBe(1);
    expect(reasons.slice(2)).toEqual([["other/sse", "shutdown"]]);
  });

  it("cut() counts a connection that is still closing once: a second cut skips it", async () => {
    const hub = makeHub();
    const chat = await hub.obtain("chat", undefined);
    let cuts = 0;
    // Like a WebSocket: cut() starts the close; it detaches later, at the socket's `close`.
    const closing = conn("ws", "10.0.0.1", () => {
      cuts += 1;
    });
    hub.attach(chat, closing);
    hub.attach(chat, conn("sse"));
    expect(hub.cut("disconnect", chat)).toBe(2);
    expect(hub.cut("disconnect", chat)).toBe(0);
    expect(hub.cut("shutdown")).toBe(0);
    expect(cuts).toBe(1);
    hub.detach(chat, closing);
    const next = conn("ws");
    hub.attach(chat, next);
    expect(hub.cut("disconnect", chat)).toBe(1);
  });

  it("refuses new held connections while shutting down", async () => {
    const hub = makeHub();
    expect(hub.shuttingDown).toBe(false);
    hub.shutDown();
    expect(hub.shuttingDown).toBe(true);
    expect(() => hub.checkCapacity("10.0.0.1")).toThrow(
      expect.objectContaining({ status: 503, code: "shutting_down" }),
    );
  });

  it("a generator stops by itself once its channel has had no client for generatorIdleMs", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const hub = makeHub({ generatorIdleMs: 1000 });
    const busy = await hub.obtain("busy", "10.0.0.1");
    const idle = await hub.obtain("idle", "10.0.0.1");
    hub.attach(busy, conn("ws"));
    busy.generator.set(10, 10);
    idle.generator.set(10, 10);
    vi.advanceTimersByTime(3000);
    expect([busy.info().generator.running, idle.info().generator.running]).toEqual([true, true]);
    vi.advanceTimersByTime(5000); // recent activity keeps a channel alive for a few seconds, then idleMs
    expect([busy.info().generator.running, idle.info().generator.running]).toEqual([true, false]);
    const seq = idle.log.state().seq;
    vi.advanceTimersByTime(5000);
    expect(idle.log.state().seq).toBe(seq);
    expect(busy.log.state().seq).toBeGreaterThanOrEqual(129);
    expect(hub.counters.publishes.generator).toBe(busy.log.state().seq + seq);
    hub.stopGenerators();
    expect(busy.info().generator.running).toBe(false);
  });
});
