import http from "node:http";
import type { Envelope, TransportName } from "@transport-lab/protocol";
import WebSocket from "ws";
import { parseSse } from "./clients.ts";

/**
 * Minimal clients that do what docs/protocol.md §15 asks of every client and nothing more:
 * keep the cursor of the last message processed, reconnect at once from it after any failure.
 * They do not de-duplicate: every seq they record was delivered once, so a test can hold the
 * server to exactly-once, in-order delivery across resets.
 */
export interface ResumingClient {
  readonly transport: TransportName;
  /** Seqs processed, in order. */
  readonly seqs: number[];
  /** The envelopes processed, in order, as they came. */
  readonly envelopes: Envelope[];
  /** Reasons of the resets received, in order. */
  readonly resets: string[];
  /** Connections (or requests) that failed and were retried. */
  readonly failures: number;
  close(): void;
}

/** Opens a resuming client of `transport` on `base` (which may be a proxy) for `channel`. */
export function openResumingClient(transport: TransportName, base: string, channel: string): ResumingClient {
  const seqs: number[] = [];
  const envelopes: Envelope[] = [];
  const resets: string[] = [];
  let cursor = "earliest";
  let failures = 0;
  let closed = false;
  let stopCurrent = () => {};
  const url = (endpoint: string, query = "") =>
    `${base}/api/channels/${channel}/${endpoint}?cursor=${encodeURIComponent(cursor)}${query}`;
  const epochOf = (c: string) => c.slice(0, c.lastIndexOf(":"));
  const processed = (envelope: Envelope, epoch: string) => {
    seqs.push(envelope.seq);
    envelopes.push(envelope);
    cursor = `${epoch}:${envelope.seq}`;
  };
  const retry = () => {
    if (closed) return;
    failures += 1;
    setTimeout(connect, 5);
  };

  const ws = () => {
    const socket = new WebSocket(url("ws").replace(/^http/, "ws"));
    let epoch = "";
    socket.on("message", (raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; cursor?: string; reason?: string } & Envelope;
      if (frame.type === "reset") resets.push(frame.reason ?? "");
      if (frame.type === "hello" || frame.type === "reset") {
        cursor = frame.cursor ?? cursor;
        epoch = epochOf(cursor);
      } else if (frame.type === "message") {
        const { type: _type, ...envelope } = frame;
        processed(envelope, epoch);
      }
    });
    socket.on("error", () => {});
    socket.on("close", retry);
    stopCurrent = () => socket.terminate();
  };

  const sse = () => {
    const headers = { "last-event-id": cursor };
    const req = http.get(`${base}/api/channels/${channel}/sse`, { headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return;
      }
      let pending = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const { events, rest } = parseSse(pending + chunk);
        pending = rest; // a torn event at a reset is never processed
        for (const e of events) {
          if (e.event === "reset") resets.push(JSON.parse(e.data).reason);
          if (e.event === "message" && e.id) processed(JSON.parse(e.data), epochOf(e.id));
          else if (e.id) cursor = e.id;
        }
      });
      res.on("error", () => {});
    });
    req.on("error", () => {});
    req.on("close", retry);
    stopCurrent = () => req.destroy();
  };

  const polling = (long: boolean) => {
    let answered = false;
    const req = http.get(
      url(long ? "long-poll" : "poll", long ? "&timeout=2000" : ""),
      { agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => {
          if (res.statusCode !== 200) return;
          // Only a whole answer counts; a torn one fails to parse and is asked for again.
          let answer: { cursor: string; messages: Envelope[]; more?: boolean; reset?: { reason: string } };
          try {
            answer = JSON.parse(body);
          } catch {
            return;
          }
          if (answer.reset) resets.push(answer.reset.reason);
          const epoch = epochOf(answer.cursor);
          for (const m of answer.messages) processed(m, epoch);
          cursor = answer.cursor;
          answered = true;
        });
        res.on("error", () => {});
      },
    );
    req.on("error", () => {});
    req.on("close", () => {
      if (closed) return;
      if (!answered) failures += 1;
      setTimeout(connect, answered && !long ? 10 : 5);
    });
    stopCurrent = () => req.destroy();
  };

  const connect = () => {
    if (closed) return;
    if (transport === "ws") ws();
    else if (transport === "sse") sse();
    else polling(transport === "longPoll");
  };
  connect();
  return {
    transport,
    seqs,
    envelopes,
    resets,
    get failures() {
      return failures;
    },
    close() {
      closed = true;
      stopCurrent();
    },
  };
}
