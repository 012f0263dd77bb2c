import {
  type ClientTransportName,
  createClientWith,
  platform,
  type Transport,
  type TransportRegistry,
} from "@transport-lab/client";
import { type ClockTracker, createClockTracker } from "@transport-lab/metrics";
import type { LaneClientFactory } from "./lane.ts";

/** Clock samples of the lane's first round, over its own connection (as many as the page's clock takes). */
export const SOCKET_IO_CLOCK_SAMPLES = 8;

/** What the Socket.IO lane needs while it exists: a client maker and the lane's own clock. */
export interface SocketIoKit {
  /** Makes a client that follows {@link SocketIoKit.clock} (as the four follow the page's). */
  readonly create: LaneClientFactory;
  /**
   * The lane's clock: one tracker for all its clients, sampled with the `time` ack over whichever
   * Socket.IO connection is the newest, started when the first one opens, then a round every 30 s
   * (a client replaced for Reset or Record keeps it: its window has latencies from its first message).
   */
  readonly clock: ClockTracker;
}

/** Makes the kit of one Socket.IO lane (from the loaded entry), WebSocket-only or polling first. */
export type SocketIoKitMaker = (now: () => number, websocketOnly: boolean) => SocketIoKit;

/**
 * Loads `@transport-lab/client/socketio` (a chunk of its own: `socket.io-client` is fetched only
 * when the Socket.IO lane is first turned on, never with the page).
 */
export async function loadSocketIo(): Promise<SocketIoKitMaker> {
  const { createSocketIoTransport, transportsWithSocketIo } = await import("@transport-lab/client/socketio");
  return (now, websocketOnly) => {
    const socketio = createSocketIoTransport({ websocketOnly });
    let newest: Transport<"socketio"> | undefined;
    const registry: TransportRegistry<ClientTransportName> = {
      ...transportsWithSocketIo,
      socketio: (ctx) => {
        newest = socketio(ctx);
        return newest;
      },
    };
    const clock = createClockTracker({
      ping: () => {
        const ping = newest?.ping;
        return ping === undefined ? Promise.reject(new Error("no Socket.IO connection")) : ping();
      },
      now,
      samples: SOCKET_IO_CLOCK_SAMPLES,
    });
    return {
      clock,
      create(options) {
        const client = createClientWith(platform, registry, { ...options, clock });
        // A round that failed (its connection went away) is tried again at the next open.
        client.on("state", (state) => {
          if (state.kind === "open" && clock.current === null) clock.start().catch(() => undefined);
        });
        return client;
      },
    };
  };
}
