import { createFetchHttp } from "../browser/fetch-http.ts";
import type { Platform } from "../platform.ts";
import { nodePlatform } from "./node-platform.ts";

/**
 * Node with the global `fetch` (undici) for HTTP and a streaming-fetch SSE reader, `ws` for
 * WebSockets: the browser's HTTP code path, runnable in Node. No socket counters here, so HTTP
 * and SSE bytes are computed (response bodies from Resource Timing where Node reports it).
 * Otherwise {@link nodePlatform}.
 */
export const nodeFetchPlatform: Platform = { ...nodePlatform, createHttp: createFetchHttp };
