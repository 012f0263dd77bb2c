import { createClientWith, platform } from "@transport-lab/client";
import type { LaneClientFactory } from "./lane.ts";

/** Clock samples the Socket.IO lane's client takes over its own connection (as many as the page's clock). */
export const SOCKET_IO_CLOCK_SAMPLES = 8;

/**
 * Loads `@transport-lab/client/socketio` (a chunk of its own: `socket.io-client` is fetched only
 * when the Socket.IO lane is first turned on, never with the page) and makes clients with it.
 */
export async function loadSocketIoFactory(): Promise<LaneClientFactory> {
  const { transportsWithSocketIo } = await import("@transport-lab/client/socketio");
  return (options) => createClientWith(platform, transportsWithSocketIo, options);
}
