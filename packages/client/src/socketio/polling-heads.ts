import { httpResponseHeadBytes } from "@transport-lab/metrics";
import {
  estimateWebSocketRequestHead,
  estimateWebSocketResponseHead,
  estimateXhrRequestHead,
} from "../browser/request-estimate.ts";

/** engine.io-client's cache-busting `t=` parameter: 8 characters (a time and a random part in base 36). */
const T_PARAM = "x".repeat(8);

/** The query engine.io-client puts on a request of `transport` (with the session id once it has one). */
function engineUrl(endpoint: URL, transport: "polling" | "websocket", sid: string | null): URL {
  const url = new URL(endpoint);
  const scheme = transport === "websocket" ? url.protocol.replace("http", "ws") : url.protocol;
  url.protocol = scheme;
  url.search = `?EIO=4&transport=${transport}${transport === "polling" ? `&t=${T_PARAM}` : ""}${sid === null ? "" : `&sid=${sid}`}`;
  return url;
}

/**
 * The head of the answer Engine.IO's server writes to a long-polling request (checked with curl
 * against this server: the same lines for a GET's payload and a POST's `ok`, which is text/html).
 */
function pollingResponseHead(method: "GET" | "POST", bodyBytes: number): number {
  return httpResponseHeadBytes(200, "OK", [
    ["Content-Type", method === "GET" ? "text/plain; charset=UTF-8" : "text/html"],
    ["Content-Length", String(bodyBytes)],
    ["cache-control", "no-store"],
    ["Date", "Thu, 01 Jan 2026 00:00:00 GMT"],
    ["Connection", "keep-alive"],
    ["Keep-Alive", "timeout=5"],
  ]);
}

/** The head bytes of one Engine.IO HTTP exchange: what the browser sent before the body, and what came back before it. */
export interface ExchangeHeads {
  readonly request: number;
  readonly response: number;
}

/**
 * Estimated heads of a long-polling GET or POST (its URL exact when engine.io-client's request
 * names it, else built the way it builds one), as a browser's XMLHttpRequest sends it: the page
 * sees none of these headers, so they are computed, as the other HTTP transports' request heads are.
 */
export function pollingHeads(
  method: "GET" | "POST",
  endpoint: URL,
  sid: string | null,
  bodyBytes: { readonly sent: number; readonly received: number },
  url?: string,
): ExchangeHeads {
  const target = url === undefined ? engineUrl(endpoint, "polling", sid) : new URL(url);
  return {
    request: estimateXhrRequestHead(method, target, method === "POST" ? bodyBytes.sent : undefined),
    response: pollingResponseHead(method, bodyBytes.received),
  };
}

/** Estimated heads of the WebSocket handshake Engine.IO upgrades with (`101`, no extension: perMessageDeflate is off). */
export function websocketHeads(endpoint: URL, sid: string | null): ExchangeHeads {
  return {
    request: estimateWebSocketRequestHead(engineUrl(endpoint, "websocket", sid)),
    response: estimateWebSocketResponseHead(),
  };
}
