import { chunkedEncodingOverhead, sseEventBytes } from "@transport-lab/metrics";
import { SSE_RETRY_MS } from "@transport-lab/protocol";
import type { EventStreamHandlers, EventStreamLike, EventStreamRequest } from "../platform.ts";
import { estimateEventStreamResponseHead, estimateFetchRequestHead } from "./request-estimate.ts";

/**
 * The platform's EventSource. It reconnects by itself on error; this client wants its own
 * backoff and cursor, so an error closes it and reports the end. A refused stream is probed once
 * with `fetch` to learn its status. Event sizes are computed from the fields EventSource exposes
 * (each event one chunk of the chunked answer, as the server writes them); comments (`: ping`
 * every 15 s) are invisible to it and not counted.
 */
export function openBrowserEventSource(
  { http, path }: EventStreamRequest,
  h: EventStreamHandlers,
): EventStreamLike {
  const url = http.baseUrl + path;
  const { recorder } = http;
  const source = new EventSource(url);
  let ended = false;
  let closed = false;
  /** The status probe of a refused stream, aborted by close(). */
  let probe: AbortController | undefined;
  const received = (type: string, data: string, bytes: number) => {
    recorder.computedIn(bytes + chunkedEncodingOverhead(bytes), false);
    h.event(type, data, bytes);
  };
  recorder.countRequest("connect");
  recorder.computedOut(estimateFetchRequestHead("GET", new URL(url), undefined, "text/event-stream"), false);
  source.onopen = () => {
    recorder.computedIn(estimateEventStreamResponseHead(), false);
    h.open();
  };
  source.onmessage = (event: MessageEvent<string>) => {
    received("message", event.data, sseEventBytes({ id: event.lastEventId, data: event.data }));
  };
  const named = (type: "hello" | "reset") => (event: MessageEvent<string>) => {
    const fields = { id: event.lastEventId, event: type, data: event.data };
    received(type, event.data, sseEventBytes(type === "hello" ? { ...fields, retry: SSE_RETRY_MS } : fields));
  };
  source.addEventListener("hello", named("hello") as EventListener);
  source.addEventListener("reset", named("reset") as EventListener);
  source.onerror = () => {
    if (ended) return;
    ended = true;
    // CONNECTING: the stream ended or the network failed, EventSource does not say which (it would
    // retry by itself; this client wants its own backoff and cursor). CLOSED: the server refused
    // the stream, and EventSource hides the status: ask once with fetch, so that a 400 (bad
    // cursor) is not retried forever.
    const refused = source.readyState === EventSource.CLOSED;
    source.close();
    if (!refused) {
      h.end({ kind: "interrupted" });
      return;
    }
    recorder.countRequest("connect");
    const controller = new AbortController();
    probe = controller;
    fetch(url, { signal: controller.signal, cache: "no-store" }).then(
      (res) => {
        controller.abort();
        if (!closed)
          h.end(
            res.ok
              ? { kind: "failed", message: `HTTP ${res.status}` }
              : { kind: "refused", status: res.status },
          );
      },
      () => {
        if (!closed) h.end({ kind: "failed", message: "EventSource refused" });
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
