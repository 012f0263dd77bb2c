import http from "node:http";
import type { TransportName } from "@transport-lab/protocol";
import WebSocket from "ws";
import { numberAfter } from "./lean-clients.ts";

/** What one soak client counts. */
export interface SoakCounts {
  delivered: number;
  /** Seqs skipped without a reset telling the client so: what the soak must keep at 0. */
  lost: number;
  duplicates: number;
  /** Resets the server sent (history moved past the client's cursor). */
  resets: number;
  /**
   * Seqs a reset skipped: messages this client never got because the server said so (an
   * `expired` reset: history moved past its cursor). Not `lost`, but not delivered either.
   */
  skippedByResets: number;
  /** Connections or requests that ended without the client asking (cuts, errors). */
  drops: number;
}

/** How a soak client reads. */
export interface SoakClientOptions {
  base: string;
  channel: string;
  localAddress: string;
  pollIntervalMs: number;
  /** WebSocket and SSE: stop reading for `pauseMs` out of every `pauseMs + readMs`. */
  slow?: { pauseMs: number; readMs: number };
}

/** A client that resumes from its cursor after every drop, as docs/protocol.md §15 asks. */
export interface SoakClient {
  readonly counts: SoakCounts;
  /** Ends the client for good (a churned client leaving abruptly). */
  close(): void;
}

/**
 * Opens a resuming client. It counts what it receives against its own cursor: a seq above the
 * next one expected without a reset is `lost`, one at or below the last is a duplicate.
 */
export function openSoakClient(transport: TransportName, o: SoakClientOptions): SoakClient {
  const counts: SoakCounts = {
    delivered: 0,
    lost: 0,
    duplicates: 0,
    resets: 0,
    skippedByResets: 0,
    drops: 0,
  };
  let epoch = "";
  let last = -1; // -1 until the hello / first answer says where we start
  let closed = false;
  let stop = () => {};
  let slowTimer: NodeJS.Timeout | undefined;
  const cursor = () => (last < 0 ? "" : `${epoch}:${last}`);
  const startAt = (c: string) => {
    const colon = c.lastIndexOf(":");
    epoch = c.slice(0, colon);
    last = Number(c.slice(colon + 1));
  };
  // Where the current connection or request asked to start (the hello may move `last` first).
  let asked = { epoch: "", last: -1 };
  /** A reset: delivery restarts after `c`; in the same epoch, what lies between was skipped. */
  const resetTo = (c: string) => {
    counts.resets += 1;
    startAt(c);
    if (asked.last >= 0 && asked.epoch === epoch && last > asked.last)
      counts.skippedByResets += last - asked.last;
  };
  const deliver = (seq: number) => {
    if (seq <= last) counts.duplicates += 1;
    else {
      if (seq > last + 1) counts.lost += seq - last - 1;
      counts.delivered += 1;
      last = seq;
    }
  };
  const dropped = () => {
    if (closed) return;
    counts.drops += 1;
    setTimeout(connect, 50 + Math.random() * 200);
  };
  const throttle = (pause: () => void, resume: () => void) => {
    if (!o.slow) return;
    const { pauseMs, readMs } = o.slow;
    const cycle = (reading: boolean) => {
      if (reading) resume();
      else pause();
      slowTimer = setTimeout(cycle, reading ? readMs : pauseMs, !reading);
    };
    cycle(false);
  };
  const query = () => {
    asked = { epoch, last };
    return last < 0 ? "" : `?cursor=${encodeURIComponent(cursor())}`;
  };

  const ws = () => {
    const socket = new WebSocket(`${o.base.replace(/^http/, "ws")}/api/channels/${o.channel}/ws${query()}`, {
      localAddress: o.localAddress,
      perMessageDeflate: false,
    });
    socket.on("message", (raw: Buffer) => {
      const text = raw.toString("latin1");
      if (text.startsWith('{"type":"message"')) deliver(numberAfter(text, '"seq":'));
      else if (text.startsWith('{"type":"reset"')) resetTo(JSON.parse(text).cursor);
      else if (text.startsWith('{"type":"hello"')) startAt(JSON.parse(text).cursor);
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(slowTimer);
      dropped();
    });
    socket.on("open", () =>
      throttle(
        () => socket.pause(),
        () => socket.resume(),
      ),
    );
    stop = () => socket.terminate();
  };

  const sse = () => {
    asked = { epoch, last };
    const headers: Record<string, string> = last < 0 ? {} : { "last-event-id": cursor() };
    const req = http.get(`${o.base}/api/channels/${o.channel}/sse`, {
      localAddress: o.localAddress,
      headers,
      agent: false,
    });
    req.on("response", (res) => {
      if (res.statusCode !== 200) return res.resume();
      let pending = "";
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => {
        pending += chunk;
        let end = pending.indexOf("\n\n");
        let from = 0;
        while (end >= 0) {
          const event = pending.slice(from, end);
          if (event.includes("event: hello"))
            startAt(event.slice(event.indexOf("id: ") + 4, event.indexOf("\n", event.indexOf("id: "))));
          else if (event.includes("event: reset"))
            resetTo(JSON.parse(event.slice(event.indexOf("data: ") + 6)).cursor);
          else if (event.startsWith("id: ")) deliver(numberAfter(event, '"seq":'));
          from = end + 2;
          end = pending.indexOf("\n\n", from);
        }
        pending = pending.slice(from);
      });
      res.on("error", () => {});
      throttle(
        () => res.pause(),
        () => res.resume(),
      );
    });
    req.on("error", () => {});
    req.on("close", () => {
      clearTimeout(slowTimer);
      dropped();
    });
    stop = () => req.destroy();
  };

  const polling = (long: boolean) => {
    let timer: NodeJS.Timeout | undefined;
    const once = () => {
      if (closed) return;
      const q = query();
      const path = `${o.base}/api/channels/${o.channel}/${long ? "long-poll" : "poll"}${q}${long ? `${q ? "&" : "?"}timeout=5000` : ""}`;
      const req = http.get(path, { localAddress: o.localAddress, agent: false }, (res) => {
        let body = "";
        res.setEncoding("latin1");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => {
          if (res.statusCode !== 200) {
            counts.drops += 1;
            timer = setTimeout(once, 500);
            return;
          }
          const answer = JSON.parse(body) as { cursor: string; reset?: unknown; more?: true };
          if (last < 0 || answer.reset) {
            // Delivery restarts just before the answer's first message (or at its cursor if empty).
            const firstSeq = numberAfter(body, '"seq":');
            const at = Number.isNaN(firstSeq)
              ? answer.cursor
              : `${answer.cursor.slice(0, answer.cursor.lastIndexOf(":"))}:${firstSeq - 1}`;
            if (answer.reset) resetTo(at);
            else startAt(at);
          }
          for (let at = body.indexOf('{"channel"'); at >= 0; at = body.indexOf('{"channel"', at + 1)) {
            deliver(numberAfter(body, '"seq":', at));
          }
          startAt(answer.cursor);
          timer = setTimeout(once, long || answer.more ? 0 : o.pollIntervalMs);
        });
      });
      req.on("error", () => {
        if (closed) return;
        counts.drops += 1;
        timer = setTimeout(once, 200);
      });
      stop = () => {
        clearTimeout(timer);
        req.destroy();
      };
    };
    once();
  };

  const connect = () => {
    if (closed) return;
    if (transport === "ws") ws();
    else if (transport === "sse") sse();
    else polling(transport === "longPoll");
  };
  connect();
  return {
    counts,
    close() {
      closed = true;
      clearTimeout(slowTimer);
      stop();
    },
  };
}
