import { utf8Length, wsFrameBytes } from "@transport-lab/metrics";
import { CLOSE_CODES } from "@transport-lab/protocol";
import type { IoRecorder, WebSocketHandlers, WebSocketLike } from "../platform.ts";
import { estimateWebSocketRequestHead, estimateWebSocketResponseHead } from "./request-estimate.ts";

/**
 * How long `closed` waits for a close handshake after close(). A link that swallows frames (a
 * middlebox that dropped the connection) never answers one, and a browser then waits a minute
 * (Chromium's closing-handshake timeout) before it fires close: it finishes that on its own.
 */
const CLOSE_GRACE_MS = 1000;

/**
 * The platform's WebSocket. Browsers expose no byte counter for it, so the handshake is
 * estimated and each frame computed (RFC 6455). A refused handshake shows only as an error
 * event without its status.
 */
export function openBrowserWebSocket(url: string, recorder: IoRecorder, h: WebSocketHandlers): WebSocketLike {
  const socket = new WebSocket(url);
  let failed = false;
  let done = false;
  let grace: ReturnType<typeof setTimeout> | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const finish = (code: number, reason: string) => {
    if (done) return;
    done = true;
    // The server's close frame, unmasked: none at all for 1006, an empty payload for 1005.
    if (code !== CLOSE_CODES.abnormal) {
      recorder.computedIn(
        wsFrameBytes(code === CLOSE_CODES.noStatus ? 0 : 2 + utf8Length(reason), false),
        false,
      );
    }
    h.close(failed ? { code, reason, error: "WebSocket error" } : { code, reason });
    clearTimeout(grace);
    resolveClosed();
  };
  recorder.countRequest("connect");
  recorder.computedOut(estimateWebSocketRequestHead(new URL(url)), false);
  socket.onopen = () => {
    recorder.computedIn(estimateWebSocketResponseHead(), false);
  };
  socket.onmessage = (event: MessageEvent) => {
    if (typeof event.data !== "string") return;
    const bytes = wsFrameBytes(utf8Length(event.data), false);
    recorder.computedIn(bytes, false);
    h.message(event.data, bytes);
  };
  socket.onerror = () => {
    failed = true;
    // A handshake that failed ends as 1006. Browsers fire close after this error; Node 20's
    // WebSocket (undici, used by the tests) never does, and close() on it then recurses: end here.
    if (socket.readyState === WebSocket.CONNECTING) finish(CLOSE_CODES.abnormal, "");
  };
  socket.onclose = (event: CloseEvent) => finish(event.code, event.reason);
  return {
    send(text) {
      socket.send(text);
      const bytes = wsFrameBytes(utf8Length(text), true);
      recorder.computedOut(bytes, false);
      return bytes;
    },
    close(code, reason) {
      if (done) return;
      if (socket.readyState === WebSocket.OPEN)
        recorder.computedOut(wsFrameBytes(2 + utf8Length(reason), true), false);
      if (socket.readyState !== WebSocket.CLOSED) socket.close(code, reason);
      grace ??= setTimeout(resolveClosed, CLOSE_GRACE_MS);
    },
    closed,
  };
}
