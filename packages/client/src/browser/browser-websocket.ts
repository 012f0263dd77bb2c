import { utf8Length } from "@transport-lab/metrics";
import type { WebSocketHandlers, WebSocketLike } from "../platform.ts";
import type { TransportStats } from "../transport-stats.ts";
import { estimateWebSocketRequestHead, estimateWebSocketResponseHead } from "./request-estimate.ts";

/**
 * The platform's WebSocket. Browsers expose no byte counter for it, so the
 * handshake is estimated and each frame computed (RFC 6455) by the transport.
 * A refused handshake shows only as an error event without its status.
 */
export function openBrowserWebSocket(
  url: string,
  stats: TransportStats,
  h: WebSocketHandlers,
): WebSocketLike {
  const socket = new WebSocket(url);
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  stats.computedOut(estimateWebSocketRequestHead(new URL(url)), false);
  socket.onopen = () => {
    stats.computedIn(estimateWebSocketResponseHead(), false);
    h.open();
  };
  socket.onmessage = (event: MessageEvent) => {
    if (typeof event.data === "string") h.message(event.data, utf8Length(event.data));
  };
  socket.onerror = () => h.error("WebSocket error", undefined);
  socket.onclose = (event: CloseEvent) => {
    h.close(event.code, event.reason);
    resolveClosed();
  };
  return {
    send(text) {
      socket.send(text);
      return utf8Length(text);
    },
    close(code, reason) {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close(code, reason);
    },
    closed,
  };
}
