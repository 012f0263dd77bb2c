import { sseEventBytes } from "@transport-lab/metrics";
import type { EventStreamHandlers, EventStreamLike } from "../platform.ts";
import type { TransportStats } from "../transport-stats.ts";
import { estimateEventStreamResponseHead, estimateFetchRequestHead } from "./request-estimate.ts";

/** The `retry:` the server puts before its hello event (apps/server sse.ts). */
const SERVER_RETRY_MS = 1000;

/**
 * The platform's EventSource. It reconnects by itself on error; this client
 * wants its own backoff and cursor, so an error closes it and reports the
 * end. A refused stream is probed once with `fetch` to learn its status. Event sizes are computed from the fields EventSource exposes; comments
 * (`: ping` every 15 s) are invisible to it and not counted.
 */
export function openBrowserEventSource(
  url: string,
  stats: TransportStats,
  h: EventStreamHandlers,
): EventStreamLike {
  const source = new EventSource(url);
  let ended = false;
  let closed = false;
  /** The status probe of a refused stream, aborted by close(). */
  let probe: AbortController | undefined;
  stats.metrics.recordRequest();
  stats.computedOut(estimateFetchRequestHead("GET", new URL(url), undefined, "text/event-stream"), false);
  source.onopen = () => {
    stats.computedIn(estimateEventStreamResponseHead(), false);
    h.open();
  };
  source.onmessage = (event: MessageEvent<string>) => {
    h.event(
      "message",
      event.data,
      event.lastEventId,
      sseEventBytes({ id: event.lastEventId, data: event.data }),
    );
  };
  const named = (type: "hello" | "reset") => (event: MessageEvent<string>) => {
    const fields = { id: event.lastEventId, event: type, data: event.data };
    const bytes = sseEventBytes(type === "hello" ? { ...fields, retry: SERVER_RETRY_MS } : fields);
    h.event(type, event.data, event.lastEventId, bytes);
  };
  source.addEventListener("hello", named("hello") as EventListener);
  source.addEventListener("reset", named("reset") as EventListener);
  source.onerror = () => {
    if (ended) return;
    ended = true;
    // CONNECTING: the stream ended or the network failed (EventSource would retry by itself; this
    // client wants its own backoff and cursor). CLOSED: the server refused the stream, and
    // EventSource hides the status: ask once with fetch, so that a 400 (bad cursor) is not retried forever.
    const refused = source.readyState === EventSource.CLOSED;
    source.close();
    if (!refused) {
      h.end("EventSource error", undefined);
      return;
    }
    stats.metrics.recordRequest();
    const controller = new AbortController();
    probe = controller;
    fetch(url, { signal: controller.signal, cache: "no-store" }).then(
      (res) => {
        controller.abort();
        if (!closed) h.end(`HTTP ${res.status}`, res.ok ? undefined : res.status);
      },
      () => {
        if (!closed) h.end("EventSource refused", undefined);
      },
    );
  };
  return {
    close() {
      ended = true;
      closed = true;
      probe?.abort();
      source.close();
    },
  };
}
