/**
 * The `retry:` the server sends before its SSE hello: how long an EventSource waits before it
 * reconnects an ended stream. Browsers default to ~3 s; 1 s makes recovery visible but not hectic.
 */
export const SSE_RETRY_MS = 1000;
