import { httpRequestHeadBytes, httpResponseHeadBytes } from "@transport-lab/metrics";

/**
 * Header lines a desktop Chromium adds to a same-origin `fetch` besides
 * Host, User-Agent and the body headers (captured from Chrome 13x DevTools,
 * "Provisional headers" excluded). Browsers differ by tens of bytes: this is
 * the "HTTP header estimate" docs/metrics.md lists among the computed figures.
 */
const FETCH_HEADERS: readonly (readonly [string, string])[] = [
  ["Connection", "keep-alive"],
  ["Accept", "*/*"],
  ["Accept-Encoding", "gzip, deflate, br, zstd"],
  ["Accept-Language", "en-US,en;q=0.9"],
  ["sec-ch-ua", '"Chromium";v="140", "Not=A?Brand";v="24", "Google Chrome";v="140"'],
  ["sec-ch-ua-mobile", "?0"],
  ["sec-ch-ua-platform", '"Linux"'],
  ["Sec-Fetch-Dest", "empty"],
  ["Sec-Fetch-Mode", "cors"],
  ["Sec-Fetch-Site", "same-origin"],
];

/** Extra lines of a WebSocket handshake request (Chromium). */
const WS_HEADERS: readonly (readonly [string, string])[] = [
  ["Connection", "Upgrade"],
  ["Pragma", "no-cache"],
  ["Cache-Control", "no-cache"],
  ["Upgrade", "websocket"],
  ["Sec-WebSocket-Version", "13"],
  ["Accept-Encoding", "gzip, deflate, br, zstd"],
  ["Accept-Language", "en-US,en;q=0.9"],
  ["Sec-WebSocket-Key", "x".repeat(24)],
  ["Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"],
];

function userAgent(): string {
  return typeof navigator === "undefined" ? "" : navigator.userAgent;
}

/** Estimated head of a browser `fetch` to `url` (path + query sent on the request line). */
export function estimateFetchRequestHead(method: string, url: URL, bodyBytes: number | undefined): number {
  const headers: (readonly [string, string])[] = [
    ["Host", url.host],
    ["User-Agent", userAgent()],
    ...FETCH_HEADERS,
  ];
  if (bodyBytes !== undefined) {
    headers.push(
      ["Content-Type", "application/json"],
      ["Content-Length", String(bodyBytes)],
      ["Origin", url.origin],
    );
  }
  if (typeof location !== "undefined") headers.push(["Referer", location.href]);
  return httpRequestHeadBytes(method, url.pathname + url.search, headers);
}

/** Estimated head of a browser WebSocket handshake request. */
export function estimateWebSocketRequestHead(url: URL): number {
  const origin = typeof location === "undefined" ? url.origin : location.origin;
  return httpRequestHeadBytes("GET", url.pathname + url.search, [
    ["Host", url.host],
    ["User-Agent", userAgent()],
    ["Origin", origin],
    ...WS_HEADERS,
  ]);
}

/** The server's `101` answer (ws, no extension accepted): status line, Upgrade, Connection, Sec-WebSocket-Accept. */
export function estimateWebSocketResponseHead(): number {
  return httpResponseHeadBytes(101, "Switching Protocols", [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", "x".repeat(28)],
  ]);
}

/** The server's SSE answer head (DESIGN.md's headers plus what Node adds), as an EventSource hides it. */
export function estimateEventStreamResponseHead(): number {
  return httpResponseHeadBytes(200, "OK", [
    ["content-type", "text/event-stream; charset=utf-8"],
    ["cache-control", "no-cache, no-transform"],
    ["x-accel-buffering", "no"],
    ["connection", "keep-alive"],
    ["Date", "Thu, 01 Jan 2026 00:00:00 GMT"],
    ["Transfer-Encoding", "chunked"],
  ]);
}
