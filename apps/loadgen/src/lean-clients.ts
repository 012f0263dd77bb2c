import http from "node:http";
import { SOCKET_IO_PATH, transportPath } from "@transport-lab/protocol";
import { openRawWs, type RawWs } from "./raw-ws-client.ts";
import type { LoadTransport } from "./targets.ts";

/** Called once per delivered message with its seq, server time and generator tick. */
export type OnMessage = (seq: number, time: number, tick: number) => void;

/** What every lean client reports back. */
export interface LeanClient {
  close(): void;
}

/** Per-client callbacks and counters shared by all lean clients of one worker. */
export interface ClientHooks {
  onMessage: OnMessage;
  onOpen: () => void;
  onFail: (err: Error) => void;
  onRequest: () => void;
  onBytes: (n: number) => void;
}

/** Options of one lean client. */
export interface LeanClientOptions {
  base: string;
  channel: string;
  localAddress: string;
  agent: http.Agent;
  pollIntervalMs: number;
}

/**
 * Reads the number after `"key":` without parsing the whole message: the load
 * client must cost less than the server it measures, and JSON.parse of a
 * 16 KiB payload per delivery would dominate.
 */
export function numberAfter(text: string, key: string, from = 0): number {
  const at = text.indexOf(key, from);
  if (at < 0) return Number.NaN;
  let end = at + key.length;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if ((c < 48 || c > 57) && c !== 46 && c !== 45 && c !== 101 && c !== 43) break;
    end += 1;
  }
  return Number(text.slice(at + key.length, end));
}

/** Seq, time and tick of one envelope's JSON text (any of the five framings). */
function report(text: string, from: number, onMessage: OnMessage) {
  const seq = numberAfter(text, '"seq":', from);
  onMessage(seq, numberAfter(text, '"time":', from), numberAfter(text, '"tick":', from));
}

function openWs(o: LeanClientOptions, h: ClientHooks): LeanClient {
  const url = o.base.replace(/^http/, "ws") + transportPath("ws", o.channel);
  h.onRequest();
  const ws = openRawWs(url, o.localAddress, {
    onOpen: h.onOpen,
    onFail: h.onFail,
    onBytes: h.onBytes,
    onText(frame, start, end) {
      // The frames are `{"type":"message",…}`; everything else (hello, reset) is skipped.
      if (frame[start + 9] !== 0x6d) return; // 'm' of "message" at offset 9
      report(frame.toString("latin1", start, end), 0, h.onMessage);
    },
  });
  return { close: () => ws.destroy() };
}

/** Engine.IO packet types and Socket.IO's, as the first bytes of a WebSocket frame's text. */
const EIO = { open: 0x30, ping: 0x32, message: 0x34 } as const;
const SIO = { connect: 0x30, event: 0x32 } as const;

/**
 * Socket.IO over its WebSocket transport alone, read as a generic Engine.IO 4 peer: the `0{…}`
 * open packet answered with `40{"channel":…}` (the lab's server reads the channel from that
 * `auth`; Socket.IO's own server ignores it), every `2` ping answered `3`, and each
 * `42["message",{envelope}]` frame scanned like the WebSocket frames.
 */
function openSocketIo(o: LeanClientOptions, h: ClientHooks): LeanClient {
  const url = `${o.base.replace(/^http/, "ws")}${SOCKET_IO_PATH}?EIO=4&transport=websocket`;
  h.onRequest();
  const connect = `40${JSON.stringify({ channel: o.channel })}`;
  const ws: RawWs = openRawWs(url, o.localAddress, {
    onOpen: () => {}, // open once the namespace is joined (`40{…}`), below
    onFail: h.onFail,
    onBytes: h.onBytes,
    onText(frame, start, end) {
      const packet = frame[start];
      if (packet === EIO.message) {
        // `42["message",…`: the 'm' at offset 4; `40{…}` is the namespace joined.
        if (frame[start + 1] === SIO.event && frame[start + 4] === 0x6d) {
          report(frame.toString("latin1", start, end), 0, h.onMessage);
        } else if (frame[start + 1] === SIO.connect) h.onOpen();
      } else if (packet === EIO.ping) {
        ws.sendText("3");
      } else if (packet === EIO.open) {
        ws.sendText(connect);
      }
    },
  });
  return { close: () => ws.destroy() };
}

function openSse(o: LeanClientOptions, h: ClientHooks): LeanClient {
  let buffered = "";
  h.onRequest();
  const req = http.get(o.base + transportPath("sse", o.channel), {
    agent: o.agent,
    localAddress: o.localAddress,
  });
  req.on("response", (res) => {
    if (res.statusCode !== 200) return h.onFail(new Error(`SSE answered ${res.statusCode}`));
    h.onOpen();
    res.setEncoding("latin1");
    res.on("data", (chunk: string) => {
      h.onBytes(chunk.length);
      buffered += chunk;
      let end = buffered.indexOf("\n\n");
      let start = 0;
      while (end >= 0) {
        // A message event is `id: …` then `data: …`; hello (retry/event), reset (event) and `: ping` are skipped.
        if (
          buffered.startsWith("id: ", start) &&
          buffered.startsWith("data: ", buffered.indexOf("\n", start) + 1)
        ) {
          report(buffered, start, h.onMessage);
        }
        start = end + 2;
        end = buffered.indexOf("\n\n", start);
      }
      buffered = buffered.slice(start);
    });
  });
  req.on("error", h.onFail);
  return { close: () => req.destroy() };
}

/**
 * Long polling and interval polling: one request at a time, resuming from the answered cursor;
 * an answer cut at the server's size cap (`more`) is followed at once.
 */
function openPolling(o: LeanClientOptions, h: ClientHooks, transport: "longPoll" | "poll"): LeanClient {
  const long = transport === "longPoll";
  let cursor = "";
  let closed = false;
  let current: http.ClientRequest | undefined;
  let timer: NodeJS.Timeout | undefined;
  let opened = false;
  const next = () => {
    if (closed) return;
    h.onRequest();
    const url = o.base + transportPath(transport, o.channel, cursor === "" ? {} : { cursor });
    current = http.get(url, { agent: o.agent, localAddress: o.localAddress }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return h.onFail(new Error(`${transport} answered ${res.statusCode}`));
      }
      if (!opened) {
        opened = true;
        h.onOpen();
      }
      let body = "";
      res.setEncoding("latin1");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => {
        h.onBytes(body.length);
        const parsed = JSON.parse(body) as { cursor: string; more?: boolean };
        cursor = parsed.cursor;
        for (let at = body.indexOf('{"channel"'); at >= 0; at = body.indexOf('{"channel"', at + 1)) {
          report(body, at, h.onMessage);
        }
        if (long || parsed.more === true) next();
        else timer = setTimeout(next, o.pollIntervalMs);
      });
    });
    current.on("error", (err) => {
      if (!closed) h.onFail(err);
    });
    // A held long-poll is "open" once the request is on the wire.
    if (long && !opened) {
      opened = true;
      h.onOpen();
    }
  };
  next();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      current?.destroy();
    },
  };
}

/** Opens one lean client of `transport`. */
export function openLeanClient(transport: LoadTransport, o: LeanClientOptions, h: ClientHooks): LeanClient {
  switch (transport) {
    case "ws":
      return openWs(o, h);
    case "socketio":
      return openSocketIo(o, h);
    case "sse":
      return openSse(o, h);
    case "longPoll":
    case "poll":
      return openPolling(o, h, transport);
  }
}
