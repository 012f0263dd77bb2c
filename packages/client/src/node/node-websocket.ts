import type { IncomingMessage } from "node:http";
import {
  httpRequestHeadBytes,
  httpResponseHeadBytes,
  utf8Length,
  wsFrameBytes,
} from "@transport-lab/metrics";
import { CLOSE_CODES } from "@transport-lab/protocol";
import WebSocket from "ws";
import type { ByteProbe, IoRecorder, WebSocketHandlers, WebSocketLike } from "../platform.ts";
import { headerPairs } from "./node-http.ts";

/** How long a polite close may take before the socket is terminated. */
const CLOSE_GRACE_MS = 1000;

/**
 * A WebSocket from the `ws` package (Node 20 has no global one). Its TCP socket's counters
 * measure the handshake and every frame; the protocol-computed sizes are kept beside them as a
 * cross-check. permessage-deflate is not offered, so frame sizes stay computable and the load
 * generator spends no CPU on zlib.
 */
export function openNodeWebSocket(url: string, recorder: IoRecorder, h: WebSocketHandlers): WebSocketLike {
  const target = new URL(url);
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let probe: ByteProbe | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let status: number | undefined;
  let error: string | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  recorder.countRequest("connect");
  // Sec-WebSocket-Key is 24 base64 chars; Node adds Host and Connection.
  recorder.computedOut(
    httpRequestHeadBytes("GET", target.pathname + target.search, {
      "Sec-WebSocket-Version": "13",
      "Sec-WebSocket-Key": "x".repeat(24),
      Connection: "Upgrade",
      Upgrade: "websocket",
      Host: target.host,
    }),
    true,
  );

  ws.on("upgrade", (res: IncomingMessage) => {
    const socket = res.socket;
    recorder.computedIn(
      httpResponseHeadBytes(101, res.statusMessage ?? "", headerPairs(res.rawHeaders)),
      true,
    );
    probe = {
      get bytesIn() {
        return socket.bytesRead;
      },
      get bytesOut() {
        return socket.bytesWritten;
      },
    };
    recorder.attach(probe);
  });
  // A refused handshake: `ws` reports the answer here (with this listener it raises no error of
  // its own); terminating gives the one close that follows.
  ws.on("unexpected-response", (_req, res: IncomingMessage) => {
    status = res.statusCode;
    ws.terminate();
  });
  ws.on("message", (data: Buffer) => {
    const bytes = wsFrameBytes(data.length, false);
    recorder.computedIn(bytes, true);
    h.message(data.toString(), bytes);
  });
  ws.on("ping", (data: Buffer) => {
    // Protocol-level heartbeat: an unmasked ping in, a masked pong out.
    recorder.computedIn(wsFrameBytes(data.length, false), true);
    recorder.computedOut(wsFrameBytes(data.length, true), true);
  });
  ws.on("error", (e: Error) => {
    error ??= e.message;
  });
  ws.on("close", (code: number, reason: Buffer) => {
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    const text = reason.toString();
    // The server's close frame, unmasked: none at all for 1006, an empty payload for 1005.
    if (code !== CLOSE_CODES.abnormal) {
      recorder.computedIn(
        wsFrameBytes(code === CLOSE_CODES.noStatus ? 0 : 2 + utf8Length(text), false),
        true,
      );
    }
    if (probe !== undefined) recorder.retire(probe);
    h.close(
      status !== undefined
        ? { code, reason: text, status }
        : error !== undefined
          ? { code, reason: text, error }
          : { code, reason: text },
    );
    resolveClosed();
  });

  return {
    send(text) {
      const payload = Buffer.from(text);
      ws.send(payload, { binary: false });
      const bytes = wsFrameBytes(payload.length, true);
      recorder.computedOut(bytes, true);
      return bytes;
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
        return;
      }
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.close(code, reason);
      recorder.computedOut(wsFrameBytes(2 + utf8Length(reason), true), true);
      graceTimer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    },
    closed,
  };
}
