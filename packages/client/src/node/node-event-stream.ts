import { chunkedEncodingOverhead } from "@transport-lab/metrics";
import type { EventStreamHandlers, EventStreamLike, EventStreamRequest } from "../platform.ts";
import { SseParser } from "../sse-parser.ts";

/**
 * An SSE stream read with a streaming HTTP GET and {@link SseParser} (Node 20 has no
 * EventSource). A reconnect carries the cursor as `Last-Event-ID`, as an EventSource would, and
 * the server lets that header win over the query. Each event arrives as one chunk of the chunked
 * answer (the server writes them one by one), which is how its framing is counted.
 */
export function openNodeEventStream(
  { http, path, lastEventId }: EventStreamRequest,
  h: EventStreamHandlers,
): EventStreamLike {
  const count = (bytes: number) =>
    http.recorder.computedIn(bytes + chunkedEncodingOverhead(bytes), http.measured);
  const parser = new SseParser(
    (type, data, _id, bytes) => {
      count(bytes);
      h.event(type, data, bytes);
    },
    (_text, bytes) => {
      count(bytes);
      h.comment(bytes);
    },
  );
  const headers: Record<string, string> = { Accept: "text/event-stream" };
  if (lastEventId !== undefined) headers["Last-Event-ID"] = lastEventId;
  let refused = false;
  const abort = http.stream(path, headers, {
    response(status, contentType) {
      if (status === 200 && contentType.startsWith("text/event-stream")) {
        h.open();
        return;
      }
      refused = true;
      abort();
      h.end({ kind: "refused", status });
    },
    data(chunk) {
      parser.push(chunk);
    },
    end(error) {
      if (refused) return;
      parser.end();
      h.end(error === undefined ? { kind: "ended" } : { kind: "failed", message: error.message });
    },
  });
  return { close: abort };
}
