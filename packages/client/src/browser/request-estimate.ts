import { httpRequestHeadBytes, httpResponseHeadBytes } from "@transport-lab/metrics";

/**
 * Header lines a desktop Chromium adds to a same-origin `fetch` besides Host, User-Agent,
 * Accept-Language, the client hints and the body headers (checked against Chromium 156 through
 * CDP, e2e/tests/honest-numbers.spec.ts). `Cache-Control` and `Pragma` are what the Fetch spec
 * adds for `cache: "no-store"`, which every request of this client uses (EventSource too).
 * Browsers differ by tens of bytes: this is the "HTTP header estimate" docs/metrics.md lists
 * among the computed figures.
 */
const FETCH_HEADERS: readonly (readonly [string, string])[] = [
  ["Connection", "keep-alive"],
  ["Accept-Encoding", "gzip, deflate, br, zstd"],
  ["Cache-Control", "no-cache"],
  ["Pragma", "no-cache"],
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
  ["Sec-WebSocket-Key", "x".repeat(24)],
  ["Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"],
];

interface UserAgentData {
  readonly brands: readonly { readonly brand: string; readonly version: string }[];
  readonly mobile: boolean;
  readonly platform: string;
}

function userAgent(): string {
  return typeof navigator === "undefined" ? "" : navigator.userAgent;
}

/**
 * `Accept-Language` as Chromium builds it from the page's languages (`en-US,en;q=0.9`: each
 * further language 0.1 lower); the desktop default where the page cannot tell.
 */
function acceptLanguage(): string {
  const languages = typeof navigator === "undefined" ? [] : (navigator.languages ?? []);
  if (languages.length === 0) return "en-US,en;q=0.9";
  return languages
    .map((lang, i) => (i === 0 ? lang : `${lang};q=${Math.max(0.1, 1 - i / 10).toFixed(1)}`))
    .join(",");
}

/**
 * The low-entropy client hints Chromium sends on every request, from the same brand list the page
 * sees (`navigator.userAgentData`); browsers without it (Firefox, Safari) send none.
 */
function clientHints(): (readonly [string, string])[] {
  const data =
    typeof navigator === "undefined"
      ? undefined
      : (navigator as Navigator & { userAgentData?: UserAgentData }).userAgentData;
  if (data === undefined) return [];
  return [
    ["sec-ch-ua", data.brands.map((b) => `"${b.brand}";v="${b.version}"`).join(", ")],
    ["sec-ch-ua-mobile", data.mobile ? "?1" : "?0"],
    ["sec-ch-ua-platform", `"${data.platform}"`],
  ];
}

/** What a request head depends on besides its URL: the API that sends it, its Accept and its body. */
interface RequestShape {
  readonly accept: string;
  /** `fetch` with `cache: "no-store"` adds Cache-Control and Pragma; an XMLHttpRequest adds neither. */
  readonly noStore: boolean;
  readonly body?: { readonly bytes: number; readonly type: string };
}

function browserRequestHead(method: string, url: URL, shape: RequestShape): number {
  const headers: (readonly [string, string])[] = [
    ["Host", url.host],
    ["User-Agent", userAgent()],
    ["Accept", shape.accept],
    ["Accept-Language", acceptLanguage()],
    ...clientHints(),
    ...FETCH_HEADERS.filter(([name]) => shape.noStore || (name !== "Cache-Control" && name !== "Pragma")),
  ];
  if (shape.body !== undefined) {
    headers.push(
      ["Content-Type", shape.body.type],
      ["Content-Length", String(shape.body.bytes)],
      ["Origin", url.origin],
    );
  }
  if (typeof location !== "undefined") headers.push(["Referer", location.href]);
  return httpRequestHeadBytes(method, url.pathname + url.search, headers);
}

/**
 * Estimated head of a browser `fetch` to `url` (path + query sent on the request line);
 * `accept` is `text/event-stream` for an EventSource, which sends the same lines otherwise.
 */
export function estimateFetchRequestHead(
  method: string,
  url: URL,
  bodyBytes: number | undefined,
  accept = "*/*",
): number {
  return browserRequestHead(method, url, {
    accept,
    noStore: true,
    ...(bodyBytes === undefined ? {} : { body: { bytes: bodyBytes, type: "application/json" } }),
  });
}

/**
 * Estimated head of a same-origin XMLHttpRequest as engine.io-client sends it for long polling
 * (`Accept` any type, a POST's body as `text/plain;charset=UTF-8`, the browser's default cache mode).
 */
export function estimateXhrRequestHead(method: string, url: URL, bodyBytes: number | undefined): number {
  return browserRequestHead(method, url, {
    accept: "*/*",
    noStore: false,
    ...(bodyBytes === undefined ? {} : { body: { bytes: bodyBytes, type: "text/plain;charset=UTF-8" } }),
  });
}

/** Estimated head of a browser WebSocket handshake request. */
export function estimateWebSocketRequestHead(url: URL): number {
  const origin = typeof location === "undefined" ? url.origin : location.origin;
  return httpRequestHeadBytes("GET", url.pathname + url.search, [
    ["Host", url.host],
    ["User-Agent", userAgent()],
    ["Origin", origin],
    ["Accept-Language", acceptLanguage()],
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

/** The server's SSE answer head (the headers of docs/protocol.md §5 plus what Node adds), as an EventSource hides it. */
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
