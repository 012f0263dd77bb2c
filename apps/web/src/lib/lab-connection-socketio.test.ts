import type { Client, ClientOptions } from "@transport-lab/client";
import type { ClockOffset, ClockTracker } from "@transport-lab/metrics";
import { describe, expect, it, vi } from "vitest";
import { BASE_CONFIG, FakeClient, fakeApi } from "./lab-connection.fixtures.ts";
import { createLabConnection } from "./lab-connection.ts";
import type { LabConfig } from "./lab-view.ts";
import { LANE_NAMES } from "./lane-names.ts";
import type { SocketIoKitMaker } from "./socketio-lane.ts";

/** A Socket.IO client whose clock is the lane's own offset (its kit's tracker), not the page's. */
class FakeSocketIoClient extends FakeClient {
  constructor(
    options: ClientOptions,
    readonly own: ClockOffset,
  ) {
    super(options);
  }
  override get clock() {
    return this.own;
  }
}

const OWN: ClockOffset = { offset: 50, rtt: 2, uncertainty: 1, samples: 8 };

function setupWithSocketIo(overrides: Partial<LabConfig> = {}) {
  const clients: FakeClient[] = [];
  const kits: { websocketOnly: boolean; stop: ReturnType<typeof vi.fn> }[] = [];
  const load = vi.fn(
    async (): Promise<SocketIoKitMaker> => (_now, websocketOnly) => {
      const stop = vi.fn();
      kits.push({ websocketOnly, stop });
      return {
        clock: { stop } as unknown as ClockTracker,
        create: (options) => {
          const client = new FakeSocketIoClient(options as ClientOptions, OWN);
          clients.push(client);
          return client as unknown as Client<"socketio">;
        },
      };
    },
  );
  const connection = createLabConnection({
    config: { ...BASE_CONFIG, ...overrides },
    api: fakeApi(),
    createClient: (options) => {
      const client = new FakeClient(options);
      clients.push(client);
      return client as unknown as Client;
    },
    loadSocketIo: load,
    schedule: (callback) => {
      queueMicrotask(() => callback(0));
      return () => {};
    },
    minIntervalMs: 0,
  });
  const running = () => vi.waitFor(() => expect(connection.getView().phase.kind).toBe("running"));
  const sio = () => clients.filter((c) => c.options.transport === ("socketio" as never) && !c.closed);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { connection, clients, kits, load, running, sio, settle };
}

describe("the Socket.IO lane of the page's connection", () => {
  it("is a fifth lane, off unless asked: its client from the lazily loaded entry, in the view, the chart and the export", async () => {
    const off = setupWithSocketIo();
    await off.running();
    expect(off.connection.getView().lanes.map((l) => l.transport)).toEqual(["ws", "sse", "longPoll", "poll"]);
    expect(off.load).not.toHaveBeenCalled();
    await off.connection.close();

    const { connection, clients, kits, running, sio, settle } = setupWithSocketIo({ socketio: true });
    await running();
    await vi.waitFor(() => expect(sio()).toHaveLength(1));
    expect(kits.map((k) => k.websocketOnly)).toEqual([false]);
    expect(sio()[0]?.options.cursor).toBe("e:10");
    // The four follow the page's tracker; the Socket.IO client gets none from the page (its kit's is its own).
    expect(sio()[0]?.options.clock).toBeUndefined();
    sio()[0]?.deliver(11);
    clients.find((c) => c.options.transport === "ws")?.deliver(11);
    await settle();
    const view = connection.getView();
    expect(view.lanes.map((l) => l.transport)).toEqual([...LANE_NAMES]);
    const lane = view.lanes[4];
    // Its latency uses its own offset (the page's fake clock has none yet: the WebSocket lane has no latency).
    expect(lane?.recent[0]?.latency).not.toBeNull();
    expect(view.lanes[0]?.recent[0]?.latency).toBeNull();
    expect(view.chart[LANE_NAMES.indexOf("socketio") + 1]?.some((v) => v !== null)).toBe(true);
    expect(view.chart[1]?.every((v) => v === null)).toBe(true);
    expect(connection.exportFigures().map((f) => f.transport)).toEqual([...LANE_NAMES]);
    await connection.close();
    expect(clients.every((c) => c.closed)).toBe(true);
    expect(kits[0]?.stop).toHaveBeenCalled();
  });

  it("turned on late starts from the furthest cursor the lanes reached; off, its client closes and its clock stops", async () => {
    const { connection, clients, kits, load, running, sio, settle } = setupWithSocketIo();
    await running();
    clients.find((c) => c.options.transport === "ws")?.deliver(14);
    connection.setSocketIo(true, true);
    await vi.waitFor(() => expect(sio()).toHaveLength(1));
    expect(sio()[0]?.options.cursor).toBe("e:14");
    expect(kits.map((k) => k.websocketOnly)).toEqual([true]);
    sio()[0]?.deliver(15);
    await settle();
    // The page's own check starts at the seq it joined at: 15 follows 14, no skip.
    expect(connection.getView().lanes[4]?.continuity).toMatchObject({ delivered: 1, skips: 0, lastSeq: 15 });
    const first = sio()[0];
    connection.setSocketIo(false, true);
    await settle();
    expect(first?.closed).toBe(true);
    expect(kits[0]?.stop).toHaveBeenCalled();
    expect(connection.getView().lanes).toHaveLength(4);
    // On again: a new lane and a new clock, the entry loaded once.
    connection.setSocketIo(true, false);
    await vi.waitFor(() => expect(sio()).toHaveLength(1));
    expect(kits.map((k) => k.websocketOnly)).toEqual([true, false]);
    expect(load).toHaveBeenCalledTimes(1);
    await connection.close();
  });
});
