import { utf8Length, wsFrameBytes } from "@transport-lab/metrics";
import type { Link } from "../link.ts";

/** An Engine.IO packet as engine.io-client's events hand it over. */
interface EnginePacket {
  readonly type: string;
  readonly data?: unknown;
}

/** The few events of engine.io-client's socket and transports the meter listens to. */
interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
}
/** engine.io-client's socket, as far as the meter reads it. */
export interface EngineLike extends Emitter {
  readonly transport: Emitter & { readonly name: string };
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

/**
 * Counts what a Socket.IO connection puts on the wire, from Engine.IO's own events, into a
 * transport's recorder and wire view: the bytes computed from the Engine.IO framing (each packet's
 * type digit and data; long-polling payloads joined by a record separator; WebSocket frames with
 * their header, masked one way), one request per long-polling GET and POST and one for the
 * WebSocket handshake, and one wire event per frame or HTTP exchange: the open packet, the probe
 * and upgrade (`2probe`, `3probe`, `5`), `42[…]` events, pings and pongs. HTTP heads are not
 * counted (nothing here sees them); the few long-polling requests before an upgrade carry them.
 */
export function meterEngine(engine: EngineLike, link: Link, now: () => number): void {
  const { recorder, wire } = link;
  /** Long-polling: what the current GET answer and POST body carry, until the exchange completes. */
  const answer = { bytes: 0, packets: [] as string[] };
  const body = { bytes: 0, packets: [] as string[] };
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
  const exchange = (direction: "in" | "out", part: typeof answer, what: string) => {
    // Packets of one payload are joined by a record separator (0x1e): n − 1 bytes.
    const bytes = Math.max(0, part.bytes - 1);
    if (direction === "in") recorder.computedIn(bytes, false);
    else recorder.computedOut(bytes, false);
    if (wire.enabled) {
      wire.emit(
        direction,
        direction === "in" ? "response" : "request",
        bytes,
        "computed",
        `${what}: ${part.packets.join(" · ") || "empty"}`,
        now(),
      );
    }
    part.bytes = 0;
    part.packets = [];
  };
  const pollingListeners = (transport: Emitter) => {
    transport.on("pollComplete", () => {
      recorder.countRequest("poll");
      exchange("in", answer, "GET (long-polling)");
    });
    transport.on("drain", () => {
      recorder.countRequest("poll");
      exchange("out", body, "POST (long-polling)");
    });
  };

  if (websocket()) recorder.countRequest("connect");
  else pollingListeners(engine.transport);

  engine.on("packet", (packet: EnginePacket) => {
    const length = encodedLength(packet);
    if (websocket()) {
      frame("in", wsFrameBytes(length, false), describePacket(packet));
    } else {
      recorder.framesIn += 1;
      answer.bytes += length + 1;
      if (wire.enabled) answer.packets.push(describePacket(packet));
    }
  });
  engine.on("packetCreate", (packet: EnginePacket) => {
    const length = encodedLength(packet);
    if (websocket()) {
      frame("out", wsFrameBytes(length, true), describePacket(packet));
    } else {
      recorder.framesOut += 1;
      body.bytes += length + 1;
      if (wire.enabled) body.packets.push(describePacket(packet));
    }
  });
  // The probe runs on the new transport before Engine.IO switches to it: its handshake, `2probe`
  // out and `3probe` back; then `5` (upgrade) goes out on it, written by Engine.IO directly.
  engine.on("upgrading", (transport: { name: string }) => {
    recorder.countRequest("connect");
    if (wire.enabled)
      wire.emit("out", "request", 0, "computed", `GET ${transport.name} handshake (upgrade probe)`);
    frame("out", wsFrameBytes(6, true), "2probe ping");
    frame("in", wsFrameBytes(6, false), "3probe pong");
  });
  engine.on("upgrade", () => frame("out", wsFrameBytes(1, true), "5 upgrade"));
}
