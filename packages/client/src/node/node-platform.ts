import type { Platform } from "../platform.ts";
import { openNodeEventStream } from "./node-event-stream.ts";
import { createNodeHttp } from "./node-http.ts";
import { openNodeWebSocket } from "./node-websocket.ts";

/** Node 20: `ws`, `node:http` with per-transport keep-alive agents, and a streaming SSE reader; bytes measured on sockets. */
export const nodePlatform: Platform = {
  eventStreamHeaders: true,
  createHttp: createNodeHttp,
  openWebSocket: openNodeWebSocket,
  openEventStream: openNodeEventStream,
};
