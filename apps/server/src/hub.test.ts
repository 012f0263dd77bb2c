import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_OPTIONS, type ServerOptions } from "./config.ts";
import { type Connection, type CutReason, Hub } from "./hub.ts";
import { createServerCounters } from "./server-metrics.ts";

const makeHub = (overrides: Partial<ServerOptions> = {}) =>
  new Hub({ ...DEFAULT_OPTIONS, ...overrides }, createServerCounters());

describe("Hub", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("has `chat` from the start, creates channels on use up to maxChannels, validates names", () => {
    const hub = makeHub({ maxChannels: 2 });
    expect(hub.list().map((c) => c.name)).toEqual(["chat"]);
    expect(hub.find("nope")).toBeUndefined();
    const a = hub.obtain("a");
    expect(hub.obtain("a")).toBe(a);
    expect(() => hub.obtain("b")).toThrow(expect.objectContaining({ status: 503, code: "channel_limit" }));
    expect(() => hub.find("Bad!")).toThrow(expect.objectContaining({ status: 400, code: "bad_channel" }));
    expect(hub.list().map((c) => c.name)).toEqual(["chat", "a"]);
  });

  it("counts attached connections per channel, transport and in total; detach is idempotent", () => {
    const hub = makeHub({ maxConnections: 2 });
    const chat = hub.obtain("chat");
    const ws: Connection = { transport: "ws", cut: () => {} };
    const sse: Connection = { transport: "sse", cut: () => {} };
    hub.attach(chat, ws);
    hub.attach(chat, sse);
    expect(chat.info().subscribers).toEqual({ ws: 1, sse: 1, longPoll: 0 });
    expect(hub.counters.transports.sse.connections).toBe(1);
    expect(hub.connectionCount).toBe(2);
    expect(() => hub.checkCapacity()).toThrow(
      expect.objectContaining({ status: 503, code: "connection_limit" }),
    );
    hub.detach(chat, ws);
    hub.detach(chat, ws);
    expect(hub.connectionCount).toBe(1);
    expect(chat.info().subscribers).toEqual({ ws: 0, sse: 1, longPoll: 0 });
    expect(() => hub.checkCapacity()).not.toThrow();
    hub.detach(chat, sse);
    expect(hub.counters.transports.ws.connections + hub.counters.transports.sse.connections).toBe(0);
  });

  it("cut() reaches every connection of one channel or of all, with the reason, and counts them", () => {
    const hub = makeHub();
    const reasons: [string, CutReason][] = [];
    for (const [ch, transport] of [
      ["chat", "ws"],
      ["chat", "longPoll"],
      ["other", "sse"],
    ] as const) {
      hub.attach(hub.obtain(ch), {
        transport,
        cut: (reason) => reasons.push([`${ch}/${transport}`, reason]),
      });
    }
    expect(hub.cut("disconnect", hub.obtain("chat"))).toBe(2);
    expect(reasons).toEqual([
      ["chat/ws", "disconnect"],
      ["chat/longPoll", "disconnect"],
    ]);
    expect(hub.cut("shutdown")).toBe(3);
    expect(reasons.slice(2).map(([, r]) => r)).toEqual(["shutdown", "shutdown", "shutdown"]);
  });

  it("refuses new held connections while shutting down", () => {
    const hub = makeHub();
    hub.shuttingDown = true;
    expect(() => hub.checkCapacity()).toThrow(
      expect.objectContaining({ status: 503, code: "shutting_down" }),
    );
  });

  it("a generator stops by itself once its channel has had no client for generatorIdleMs", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const hub = makeHub({ generatorIdleMs: 1000 });
    const busy = hub.obtain("busy");
    const idle = hub.obtain("idle");
    hub.attach(busy, { transport: "ws", cut: () => {} });
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
