import { utf8Length, wsFrameBytes } from "@transport-lab/metrics";
import { onResourceTiming } from "../browser/resource-timing.ts";
import type { Link } from "../link.ts";
import { pollingHeads, websocketHeads } from "./polling-heads.ts";

/** How long a long-polling answer waits for its Resource Timing entry before its body stays computed. */
const TIMING_WAIT_MS = 2000;

/** An Engine.IO packet as engine.io-client's events hand it over. */
interface EnginePacket {
  readonly type: string;
  readonly data?: unknown;
}

/** The few events of engine.io-client's socket and transports the meter listens to. */
interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
}
/** engine.io-client's current transport; a long-polling one names the URL of its pending GET. */
interface EngineTransport extends Emitter {
  readonly name: string;
  /** engine.io-client 6's pending long-polling request (read only, for its URL; absent elsewhere). */
  readonly pollXhr?: { readonly _uri?: unknown };
}
/** engine.io-client's socket, as far as the meter reads it. */
export interface EngineLike extends Emitter {
  /** The session id, once the open packet gave one. */
  readonly id: string | null;
  readonly transport: EngineTransport;
}

/** The digit each Engine.IO packet type is written as (Engine.IO protocol 4). */
const PACKET_DIGIT: Record<string, string> = {
  open: "0",
  close: "1",
  ping: "2",
  pong: "3",
  message: "4",
  upgrade: "5",
  noop: "6",
};

/** A packet as it is written on the wire: its type digit, then its data. */
function encodedLength(packet: EnginePacket): number {
  const { data } = packet;
  const body =
    typeof data === "string"
      ? utf8Length(data)
      : data instanceof ArrayBuffer || ArrayBuffer.isView(data)
        ? data.byteLength
        : 0;
  return 1 + body;
}

/** A short line for the wire view: what Engine.IO and Socket.IO add, by packet. */
export function describePacket(packet: EnginePacket): string {
  const data = typeof packet.data === "string" ? packet.data : "";
  switch (packet.type) {
    case "open": {
      try {
        const o = JSON.parse(data) as { upgrades?: string[]; pingInterval?: number };
        return `0 open (upgrades ${o.upgrades?.join(",") || "none"}, ping every ${(o.pingInterval ?? 0) / 1000} s)`;
      } catch {
        return "0 open";
      }
    }
    case "message":
      return `4${socketIoSummary(data)}`;
    default:
      return `${PACKET_DIGIT[packet.type] ?? "?"}${typeof packet.data === "string" ? packet.data : ""} ${packet.type}`;
  }
}

/** The Socket.IO packet inside an Engine.IO message: `2["message",…]` → `2["message"] #17`. */
function socketIoSummary(data: string): string {
  const kind = data[0];
  if (kind === "0") return "0 connect";
  if (kind === "4") return "4 connect_error";
  if (kind === "1") return "1 disconnect";
  const packet = /^([23])(\d*)\[(?:"([^"]{0,40})")?/.exec(data);
  if (packet === null) return `${data.slice(0, 12)}…`;
  const [, type, id = "", name] = packet;
  if (type === "3") return `3${id} ack`;
  const seq = name === "message" ? /"seq":(\d+)/.exec(data)?.[1] : undefined;
  return `2${id}["${name}",…]${id === "" ? "" : ` ack ${id}`}${seq === undefined ? "" : ` #${seq}`}`;
}

/** One long-polling request in flight: when it went out and what its body and answer carry. */
interface Exchange {
  startedAt: number;
  /** performance.now() when it went out: its Resource Timing entry cannot start earlier. */
  startedPerf: number;
  url: string | undefined;
  bytes: number;
  packets: string[];
}

const perfNow = () => (typeof performance === "undefined" ? 0 : performance.now());

/**
 * Counts what a Socket.IO connection puts on the wire, from Engine.IO's own events, into a
 * transport's recorder and wire view. Long polling (before the upgrade): one request per GET and
 * POST, with its head (computed, as the other HTTP transports' request heads are: the page sees no
 * header of engine.io-client's XMLHttpRequests) and its body (the Engine.IO payload: packets
 * joined by a record separator), a GET's body then measured from Resource Timing where the browser
 * reports the entry. The upgrade: one request, its handshake heads computed. WebSocket frames with
 * their header, masked one way. One wire event per frame, and a request with its answer per HTTP
 * exchange: the open packet, the probe and upgrade (`2probe`, `3probe`, `5`), `42[…]` events,
 * pings and pongs.
 */
export function meterEngine(engine: EngineLike, link: Link, now: () => number, endpoint: URL): void {
  const { recorder, wire } = link;
  const fresh = (): Exchange => ({
    startedAt: now(),
    startedPerf: perfNow(),
    url: undefined,
    bytes: 0,
    packets: [],
  });
  /** Long polling: the pending GET and the POST being filled, until each exchange completes. */
  let get = fresh();
  let post: Exchange | null = null;
  const websocket = () => engine.transport.name === "websocket";

  const frame = (direction: "in" | "out", bytes: number, summary: string) => {
    if (direction === "in") {
      recorder.framesIn += 1;
      recorder.computedIn(bytes, false);
    } else {
      recorder.framesOut += 1;
      recorder.computedOut(bytes, false);
    }
    if (wire.enabled) wire.emit(direction, "frame", bytes, "computed", summary);
  };
  /** One completed HTTP exchange: a request and its answer, in the recorder and on the wire view. */
  const exchange = (
    what: string,
    heads: { request: number; response: number },
    sent: number,
    got: number,
    summaries: { request: string; response: string },
    startedAt: number,
  ) => {
    recorder.countRequest(what === "connect" ? "connect" : "poll");
    recorder.computedOut(heads.request + sent, false);
    recorder.computedIn(heads.response + got, false);
    if (wire.enabled) {
      wire.emit("out", "request", heads.request + sent, "computed", summaries.request, startedAt);
      wire.emit("in", "response", heads.response + got, "computed", summaries.response);
    }
  };
  // Packets of one payload are joined by a record separator (0x1e): n − 1 bytes.
  const payloadBytes = (part: Exchange) => Math.max(0, part.bytes - 1);

  const pollingListeners = (transport: EngineTransport) => {
    transport.on("poll", () => {
      get = fresh();
      // engine.io-client 6 names the pending GET's URL (cache-busting `t=` included): exact head, and its Resource Timing entry.
      const uri = transport.pollXhr?._uri;
      get.url = typeof uri === "string" ? uri : undefined;
    });
    transport.on("pollComplete", () => {
      const done = get;
      const body = payloadBytes(done);
      const heads = pollingHeads("GET", endpoint, engine.id, { sent: 0, received: body }, done.url);
      exchange(
        "poll",
        heads,
        0,
        body,
        { request: "GET (long-polling)", response: done.packets.join(" · ") || "empty" },
        done.startedAt,
      );
      if (done.url !== undefined) {
        onResourceTiming(done.url, done.startedPerf, TIMING_WAIT_MS, (entry) => {
          if (entry !== undefined && entry.encodedBodySize > 0)
            recorder.measuredIn(entry.encodedBodySize, body);
        });
      }
      get = fresh();
    });
    transport.on("drain", () => {
      const done = post ?? fresh();
      post = null;
      const body = payloadBytes(done);
      const heads = pollingHeads("POST", endpoint, engine.id, { sent: body, received: 2 }, undefined);
      exchange(
        "poll",
        heads,
        body,
        2,
        { request: `POST (long-polling): ${done.packets.join(" · ") || "empty"}`, response: "ok" },
        done.startedAt,
      );
    });
  };

  if (websocket()) {
    const heads = websocketHeads(endpoint, null);
    exchange(
      "connect",
      heads,
      0,
      0,
      { request: "GET websocket handshake", response: "101 Switching Protocols" },
      now(),
    );
  } else pollingListeners(engine.transport);

  engine.on("packet", (packet: EnginePacket) => {
    const length = encodedLength(packet);
    if (websocket()) {
      frame("in", wsFrameBytes(length, false), describePacket(packet));
    } else {
      recorder.framesIn += 1;
      get.bytes += length + 1;
      if (wire.enabled) get.packets.push(describePacket(packet));
    }
  });
  engine.on("packetCreate", (packet: EnginePacket) => {
    const length = encodedLength(packet);
    if (websocket()) {
      frame("out", wsFrameBytes(length, true), describePacket(packet));
    } else {
      recorder.framesOut += 1;
      post ??= fresh();
      post.bytes += length + 1;
      if (wire.enabled) post.packets.push(describePacket(packet));
    }
  });
  // The probe runs on the new transport before Engine.IO switches to it: its handshake, `2probe`
  // out and `3probe` back; then `5` (upgrade) goes out on it, written by Engine.IO directly.
  engine.on("upgrading", (transport: { name: string }) => {
    const heads = websocketHeads(endpoint, engine.id);
    exchange(
      "connect",
      heads,
      0,
      0,
      { request: `GET ${transport.name} handshake (upgrade probe)`, response: "101 Switching Protocols" },
      now(),
    );
    frame("out", wsFrameBytes(6, true), "2probe ping");
    frame("in", wsFrameBytes(6, false), "3probe pong");
  });
  engine.on("upgrade", () => frame("out", wsFrameBytes(1, true), "5 upgrade"));
}
