import type { Platform } from "../platform.ts";
import { openBrowserEventSource } from "./browser-event-source.ts";
import { openBrowserWebSocket } from "./browser-websocket.ts";
import { createFetchHttp } from "./fetch-http.ts";

/** Browsers: the platform's WebSocket, EventSource and fetch; bytes computed, response bodies from Resource Timing. */
export const browserPlatform: Platform = {
  // EventSource cannot set Last-Event-ID on its first request: the SSE transport keeps the cursor in the query.
  eventStreamHeaders: false,
  createHttp: createFetchHttp,
  openWebSocket: openBrowserWebSocket,
  openEventStream: openBrowserEventSource,
};
