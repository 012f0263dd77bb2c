import type { IncomingMessage } from "node:http";
import { httpRequestHeadBytes, httpResponseHeadBytes, wsFrameBytes } from "@transport-lab/metrics";
import WebSocket from "ws";
import type { WebSocketHandlers, WebSocketLike } from "../platform.ts";
import type { ByteProbe, TransportStats } from "../transport-stats.ts";

/** How long a polite close may take before the socket is terminated. */
const CLOSE_GRACE_MS = 1000;

/**
 * A WebSocket from the `ws` package (Node 20 has no global one). Its TCP
 * socket's counters measure the handshake and every frame; the handshake's
 * computed size is kept beside them. permessage-deflate is not offered, so
 * frame sizes stay computable and the load generator spends no CPU on zlib.
 */
export function openNodeWebSocket(url: string, stats: TransportStats, h: WebSocketHandlers): WebSocketLike {
  const target = new URL(url);
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let probe: ByteProbe | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  // Sec-WebSocket-Key is 24 base64 chars; Node adds Host and Connection.
  stats.computedOut(
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
    const raw = res.rawHeaders;
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
    stats.computedIn(httpResponseHeadBytes(101, res.statusMessage ?? "", pairs), true);
    probe = {
      get bytesIn() {
        return socket.bytesRead;
      },
      get bytesOut() {
        return socket.bytesWritten;
      },
    };
    stats.attach(probe);
  });
  ws.on("open", () => h.open());
  ws.on("message", (data: Buffer) => h.message(data.toString(), data.length));
  ws.on("ping", (data: Buffer) => {
    // Protocol-level heartbeat: an unmasked ping in, a masked pong out.
    stats.computedIn(wsFrameBytes(data.length, false), true);
    stats.computedOut(wsFrameBytes(data.length, true), true);
  });
  ws.on("error", (error: Error) => {
    const match = /Unexpected server response: (\d+)/.exec(error.message);
    h.error(error.message, match ? Number(match[1]) : undefined);
  });
  ws.on("close", (code: number, reason: Buffer) => {
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    if (probe !== undefined) stats.retire(probe);
    h.close(code, reason.toString());
    resolveClosed();
  });

  return {
    send(text) {
      const payload = Buffer.from(text);
      ws.send(payload, { binary: false });
      return payload.length;
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
        return;
      }
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.close(code, reason);
      graceTimer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    },
    closed,
  };
}
