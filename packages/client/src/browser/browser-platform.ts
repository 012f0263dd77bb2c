import type { Platform } from "../platform.ts";
import { openBrowserEventSource } from "./browser-event-source.ts";
import { openBrowserWebSocket } from "./browser-websocket.ts";
import { createFetchHttp } from "./fetch-http.ts";

/** Browsers: the platform's WebSocket, EventSource and fetch; bytes computed, response bodies from Resource Timing. */
export const browserPlatform: Platform = {
  name: "browser",
  measures: { webSocket: false, eventStream: false },
  createHttp: (baseUrl, stats) => createFetchHttp(baseUrl, stats),
  openWebSocket: openBrowserWebSocket,
  // EventSource cannot set Last-Event-ID on its first request; the SSE transport keeps the cursor in the query.
  openEventStream: (_http, baseUrl, path, _lastEventId, stats, handlers) =>
    openBrowserEventSource(baseUrl + path, stats, handlers),
};
