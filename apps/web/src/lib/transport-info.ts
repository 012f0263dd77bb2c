import type { TransportName } from "@transport-lab/protocol";
import type { LaneName } from "./lane-names.ts";
import { TRANSPORT_COLORS, TRANSPORT_DASHES } from "./palette.ts";

/** How the page names and draws one transport. */
export interface TransportStyle {
  readonly label: string;
  /** Short label for narrow places (chart legend, tabs). */
  readonly short: string;
  /** From the one palette (palette.ts). */
  readonly color: string;
  /** Canvas dash pattern, so the chart does not rely on colour alone. */
  readonly dash: readonly number[];
  /** Browser HTTP/1.1 connections it holds open for its whole life. */
  readonly heldConnections: number;
  /** One long-lived connection carries every message (no answers to count, empty or not). */
  readonly stream: boolean;
}

/** Labels, colours and dash patterns per lane. */
export const TRANSPORT_STYLE: Readonly<Record<LaneName, TransportStyle>> = {
  ws: {
    label: "WebSocket",
    short: "WS",
    color: TRANSPORT_COLORS.ws,
    dash: TRANSPORT_DASHES.ws,
    heldConnections: 0,
    stream: true,
  },
  sse: {
    label: "Server-Sent Events",
    short: "SSE",
    color: TRANSPORT_COLORS.sse,
    dash: TRANSPORT_DASHES.sse,
    heldConnections: 1,
    stream: true,
  },
  longPoll: {
    label: "Long polling",
    short: "Long poll",
    color: TRANSPORT_COLORS.longPoll,
    dash: TRANSPORT_DASHES.longPoll,
    heldConnections: 1,
    stream: false,
  },
  poll: {
    label: "Interval polling",
    short: "Poll",
    color: TRANSPORT_COLORS.poll,
    dash: TRANSPORT_DASHES.poll,
    heldConnections: 0,
    stream: false,
  },
  socketio: {
    label: "Socket.IO",
    short: "SIO",
    color: TRANSPORT_COLORS.socketio,
    dash: TRANSPORT_DASHES.socketio,
    // After the upgrade: the long-polling phase before it holds one only for its first second.
    heldConnections: 0,
    stream: true,
  },
};

/** The "learn" text of one transport, in the project's own words. */
export interface TransportLesson {
  readonly how: string;
  readonly costs: readonly string[];
  readonly useWhen: string;
  readonly avoidWhen: string;
}

/** What each transport does, costs, and is for. */
export const LESSONS: Readonly<Record<TransportName, TransportLesson>> = {
  ws: {
    how: "One HTTP request asks to upgrade the connection; after the server's 101 answer the same TCP connection carries frames both ways for as long as it lives. Each message is one frame with 2–14 bytes of header (client frames add a 4-byte mask).",
    costs: [
      "One HTTP request for the whole session, so requests per message falls towards zero.",
      "The server holds a socket and some memory per client, even when nothing is sent.",
      "Nothing resumes by itself: the client has to remember its cursor and ask again after a drop (this page does).",
      "It does not use the browser's six HTTP/1.1 connections per server.",
      "In a browser every message is a task of its own on the page's main thread: at thousands of messages a second next to other busy work (this page with four transports) it falls behind an event stream, whose events arrive hundreds per task. Alone, or read in a Worker, it keeps up.",
    ],
    useWhen:
      "Both sides talk, often and fast: chat, games, shared editing; dashboards at high rates when the page reading them is not busy with much else.",
    avoidWhen:
      "Updates only flow one way (SSE does that over plain HTTP), or a proxy on the way does not let the Upgrade through.",
  },
  sse: {
    how: "One GET is answered with text/event-stream and never finishes: the server writes each message as an `id:` line and a `data:` line, then a blank line, and flushes. The browser's EventSource parses the stream and, after a drop, reconnects by itself and sends the last id back.",
    costs: [
      "One request per connection; each message adds about 20 bytes of framing plus its id.",
      "A held HTTP connection per client: under HTTP/1.1 it takes one of the browser's six per server (HTTP/2 shares one).",
      "Server to client only: every message the client sends is a separate POST.",
    ],
    useWhen:
      "The server streams to the client: feeds, notifications, progress, logs, prices. Resume is built into the protocol.",
    avoidWhen: "The client sends a lot, data is binary, or many tabs of one site are open over HTTP/1.1.",
  },
  longPoll: {
    how: "The client asks “anything after my cursor?” and the server holds the request until there is, or until the timeout; it answers, and the client asks again at once with the new cursor.",
    costs: [
      "One request and one full set of HTTP headers per answer, a few hundred bytes each.",
      "Between an answer and the next request, new messages wait: one round trip of extra delay. At high rates several messages share an answer, which lowers requests per message.",
      "A quiet channel still costs one empty answer per timeout.",
      "A held request per client on the server, and one of the browser's six connections.",
    ],
    useWhen:
      "WebSockets and event streams are blocked (some proxies and corporate networks), or as a fallback that works everywhere.",
    avoidWhen:
      "Rates are high and latency matters, or there are many clients: each answer pays the full HTTP cost.",
  },
  poll: {
    how: "Every few hundred milliseconds the client asks “anything after my cursor?” and the server answers at once, usually with nothing.",
    costs: [
      "Requests at a fixed rate whether or not anything happens: most answers on a quiet channel are empty.",
      "A message waits for the next poll: on average half the interval, at worst all of it. That staleness is what polling buys its simplicity with.",
      "Every answer carries full HTTP headers.",
    ],
    useWhen:
      "Updates are rare and a few seconds of delay is fine (a build status, a score), or the simplest thing that works anywhere is worth more than freshness.",
    avoidWhen: "Freshness matters, or many clients poll a quiet channel: the server pays for every “no”.",
  },
};
