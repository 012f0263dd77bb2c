import type { EventStreamHandlers, EventStreamLike, HttpClient } from "../platform.ts";
import { SseParser } from "../sse-parser.ts";

/**
 * An SSE stream read with a streaming HTTP GET and {@link SseParser} (Node 20
 * has no EventSource). A reconnect carries the cursor as `Last-Event-ID`, as
 * an EventSource would, and the server lets that header win over the query.
 */
export function openNodeEventStream(
  http: HttpClient,
  path: string,
  lastEventId: string | undefined,
  h: EventStreamHandlers,
): EventStreamLike {
  const parser = new SseParser(h.event, (_text, bytes) => h.comment(bytes));
  const headers: Record<string, string> = { Accept: "text/event-stream" };
  if (lastEventId !== undefined) headers["Last-Event-ID"] = lastEventId;
  let failed = false;
  const abort = http.stream(path, headers, {
    response(code, contentType) {
      if (code === 200 && contentType.startsWith("text/event-stream")) {
        h.open();
        return;
      }
      failed = true;
      abort();
      h.end(`HTTP ${code}`, code);
    },
    data(chunk) {
      parser.push(chunk);
    },
    end(error) {
      if (failed) return;
      parser.end();
      h.end(error === undefined ? "stream ended" : error.message, undefined);
    },
  });
  return { close: abort };
}
