import type { WireEvent } from "@transport-lab/client";
import type { LaneName } from "./lane-names.ts";

/** One line of the wire view: a WebSocket frame, an SSE event, or an HTTP request with its answer. */
export interface WireRow {
  /** Stable while the event stays in the ring, so that React moves rows instead of rebuilding them. */
  readonly key: string;
  /** When it was sent (requests) or received. */
  readonly time: number;
  readonly direction: "in" | "out" | "exchange";
  readonly label: string;
  /** The full text behind `label` (hover), e.g. the whole request line. */
  readonly full: string;
  readonly size: number;
  readonly sizeSource: WireEvent["source"];
  /** HTTP exchanges: ms from sending the request to reading the answer (the server's hold for a long poll). */
  readonly heldMs: number | null;
  /** HTTP exchanges: what the answer carried (the client's words, e.g. `empty`, `3 messages #4–#6`). */
  readonly answer: string | null;
  /** An answer with nothing in it: polling's "anything new? no". */
  readonly empty: boolean;
  /** The connection ended without the client asking (the summary says how). */
  readonly closed: boolean;
}

/**
 * Shortens a request line for reading: `GET /api/channels/chat/poll?cursor=e%3A5` → `GET …/poll?cursor=e:5`.
 */
export function compactRequest(summary: string): string {
  return summary
    .replace(/\/api\/channels\/[a-z0-9-]+\//, "…/")
    .replaceAll("%3A", ":")
    .replace(/cursor=[A-Za-z0-9_-]+:/, "cursor=…:");
}

/** `1 message #22–#22` → `1 message #22`. */
export function compactAnswer(summary: string): string {
  return summary.replace(/#(\d+)–#\1$/, "#$1");
}

/**
 * Pairs each HTTP request with the response that follows it (the client
 * reports both when the answer arrives; the request carries its send time)
 * and passes frames and events through. Newest first, at most `limit` rows.
 */
export function toWireRows(events: readonly WireEvent<LaneName>[], limit: number): WireRow[] {
  const rows: WireRow[] = [];
  for (let i = events.length - 1; i >= 0 && rows.length < limit; i--) {
    const event = events[i] as WireEvent<LaneName>;
    const before = events[i - 1];
    if (event.kind === "response" && before?.kind === "request") {
      rows.push({
        key: `x|${before.time}|${before.summary}`,
        time: before.time,
        direction: "exchange",
        label: compactRequest(before.summary),
        full: `${before.summary} → ${event.summary}`,
        size: before.size + event.size,
        sizeSource: event.source,
        heldMs: event.time - before.time,
        answer: compactAnswer(event.summary),
        empty: event.summary === "empty",
        closed: false,
      });
      i--;
      continue;
    }
    rows.push({
      key: `${event.direction}|${event.kind}|${event.time}|${event.summary}`,
      time: event.time,
      direction: event.direction,
      label: event.kind === "request" ? compactRequest(event.summary) : event.summary,
      full: event.summary,
      size: event.size,
      sizeSource: event.source,
      heldMs: null,
      answer: null,
      empty: false,
      closed: event.kind === "close",
    });
  }
  return rows;
}
