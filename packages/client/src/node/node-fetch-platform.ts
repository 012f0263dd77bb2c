import { createFetchHttp } from "../browser/fetch-http.ts";
import type { Platform } from "../platform.ts";
import { openNodeEventStream } from "./node-event-stream.ts";
import { openNodeWebSocket } from "./node-websocket.ts";

/**
 * Node with the global `fetch` (undici) for HTTP and a streaming-fetch SSE
 * reader, `ws` for WebSockets: the browser's HTTP code path, runnable in
 * Node. No socket counters here, so HTTP and SSE bytes are computed
 * (response bodies from Resource Timing where Node reports it).
 */
export const nodeFetchPlatform: Platform = {
  name: "node",
  measures: { webSocket: true, eventStream: false },
  createHttp: (baseUrl, stats) => createFetchHttp(baseUrl, stats),
  openWebSocket: openNodeWebSocket,
  openEventStream: (http, _baseUrl, path, lastEventId, _stats, handlers) =>
    openNodeEventStream(http, path, lastEventId, handlers),
};
