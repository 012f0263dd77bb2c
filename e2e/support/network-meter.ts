import type { CDPSession, Page } from "@playwright/test";
import { channelPath, SOCKET_IO_PATH, TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";

/** What the meter counts apart: the four transports of one channel, and the page's Socket.IO connection. */
export type MeteredLane = TransportName | "socketio";
const METERED: readonly MeteredLane[] = [...TRANSPORT_NAMES, "socketio"];

/** What the browser's network stack says one transport cost. */
export interface MeteredCost {
  /** HTTP requests started (a WebSocket handshake is 1). */
  requests: number;
  /** Bytes received: HTTP heads and bodies as the network stack counted them (chunked framing included), WebSocket frames. */
  bytesIn: number;
  /** Bytes sent: request lines + the headers Chromium reports it sent + bodies, WebSocket frames (masked). */
  bytesOut: number;
  /** Requests still without a final answer (a held long-poll, an open SSE stream). */
  open: number;
}

interface HttpExchange {
  readonly transport: MeteredLane;
  readonly method: string;
  readonly target: string;
  readonly bodyBytes: number;
  sentHead: number | null;
  /** Header bytes from `responseReceived`, then what `dataReceived` adds. */
  streamed: number;
  /** `loadingFinished.encodedDataLength`: everything received, heads included. */
  finished: number | null;
  failed: boolean;
}

/**
 * RFC 6455 frame size: 2-byte header, 16- or 64-bit extended length, 4-byte mask from the client.
 * Deliberately not @transport-lab/metrics' own: the meter is an independent measurement.
 */
function wsFrameSize(payloadBytes: number, masked: boolean): number {
  const extended = payloadBytes < 126 ? 0 : payloadBytes <= 0xffff ? 2 : 8;
  return 2 + extended + (masked ? 4 : 0) + payloadBytes;
}

/** `firstLine\r\n` + `Name: value\r\n` per header + `\r\n`: an HTTP/1.1 head. */
function headSize(firstLine: string, headers: Record<string, string>): number {
  let size = Buffer.byteLength(`${firstLine}\r\n`);
  for (const [name, value] of Object.entries(headers)) {
    // Chromium reports repeated headers joined with "\n".
    for (const line of value.split("\n")) size += Buffer.byteLength(`${name}: ${line}\r\n`);
  }
  return size + 2;
}

/**
 * Counts, through the Chrome DevTools Protocol's Network domain, the requests and wire bytes of
 * each transport of one channel, independently of the page: HTTP from request/response/data
 * events, WebSocket from the handshake and every frame. Requests that are not a transport's
 * (the page's clock samples, channel head, figures polls, `/healthz`) are left out, as the
 * panels leave them out; a poll without `client=` is one of the page's start-up lookups, not the transport.
 */
export class NetworkMeter {
  readonly #http = new Map<string, HttpExchange>();
  readonly #ws = new Map<
    string,
    {
      readonly lane: "ws" | "socketio";
      readonly url: URL;
      in: number;
      out: number;
      handshakeIn: number | null;
      handshakeOut: number;
    }
  >();
  readonly #earlyHeaders = new Map<string, Record<string, string>>();
  /** Test-process time of the last event that changed a figure. */
  lastChange = 0;
  /** Publishes (`POST …/messages`) seen: they belong to whichever transport sent them. */
  publishes = 0;

  private constructor(
    readonly session: CDPSession,
    readonly channel: string,
  ) {}

  /** Starts metering `page` (call before it navigates, so that nothing is missed). */
  static async attach(page: Page, channel: string): Promise<NetworkMeter> {
    const session = await page.context().newCDPSession(page);
    const meter = new NetworkMeter(session, channel);
    meter.#listen();
    await session.send("Network.enable");
    return meter;
  }

  #transportOf(url: string): MeteredLane | null {
    const u = new URL(url);
    // Engine.IO's URLs name no channel (it is in the handshake's `auth`): a test's page holds one Socket.IO client.
    if (u.pathname === SOCKET_IO_PATH) return "socketio";
    const transport = TRANSPORT_NAMES.find((t) => u.pathname === channelPath(this.channel, t));
    if (transport === undefined) return null;
    // The page's own start-up lookups (the head, the chat lines before it) use the poll URL
    // without the `client=` every transport request carries.
    if (transport === "poll" && !u.searchParams.has("client")) return null;
    return transport;
  }

  #touch(): void {
    this.lastChange = Date.now();
  }

  #listen(): void {
    const s = this.session;
    s.on("Network.requestWillBeSent", (e) => {
      if (new URL(e.request.url).pathname === `/api/channels/${this.channel}/messages`) this.publishes += 1;
      const transport = this.#transportOf(e.request.url);
      // Socket.IO's WebSocket is metered below; its long-polling requests are HTTP like these.
      if (transport === null || transport === "ws") return;
      const u = new URL(e.request.url);
      const body = e.request.postData === undefined ? 0 : Buffer.byteLength(e.request.postData);
      const target = u.pathname + u.search;
      const early = this.#earlyHeaders.get(e.requestId);
      this.#earlyHeaders.delete(e.requestId);
      this.#http.set(e.requestId, {
        transport,
        method: e.request.method,
        target,
        bodyBytes: body,
        sentHead: early === undefined ? null : headSize(`${e.request.method} ${target} HTTP/1.1`, early),
        streamed: 0,
        finished: null,
        failed: false,
      });
      this.#touch();
    });
    s.on("Network.requestWillBeSentExtraInfo", (e) => {
      const x = this.#http.get(e.requestId);
      const headers = e.headers as Record<string, string>;
      // The ExtraInfo events are not ordered with the main ones: this may come first.
      if (x === undefined) this.#earlyHeaders.set(e.requestId, headers);
      else x.sentHead = headSize(`${x.method} ${x.target} HTTP/1.1`, headers);
      this.#touch();
    });
    s.on("Network.responseReceived", (e) => {
      const x = this.#http.get(e.requestId);
      if (x === undefined) return;
      x.streamed += e.response.encodedDataLength;
      this.#touch();
    });
    s.on("Network.dataReceived", (e) => {
      const x = this.#http.get(e.requestId);
      if (x === undefined) return;
      x.streamed += e.encodedDataLength;
      this.#touch();
    });
    s.on("Network.loadingFinished", (e) => {
      const x = this.#http.get(e.requestId);
      if (x === undefined) return;
      x.finished = e.encodedDataLength;
      this.#touch();
    });
    s.on("Network.loadingFailed", (e) => {
      const x = this.#http.get(e.requestId);
      if (x === undefined) return;
      x.failed = true;
      this.#touch();
    });
    s.on("Network.webSocketCreated", (e) => {
      const lane = this.#transportOf(e.url);
      if (lane !== "ws" && lane !== "socketio") return;
      this.#ws.set(e.requestId, {
        lane,
        url: new URL(e.url),
        in: 0,
        out: 0,
        handshakeIn: null,
        handshakeOut: 0,
      });
      this.#touch();
    });
    s.on("Network.webSocketWillSendHandshakeRequest", (e) => {
      const w = this.#ws.get(e.requestId);
      if (w === undefined) return;
      const target = w.url.pathname + w.url.search;
      w.handshakeOut = headSize(`GET ${target} HTTP/1.1`, e.request.headers as Record<string, string>);
      this.#touch();
    });
    s.on("Network.webSocketHandshakeResponseReceived", (e) => {
      const w = this.#ws.get(e.requestId);
      if (w === undefined) return;
      const r = e.response;
      w.handshakeIn =
        r.headersText !== undefined
          ? Buffer.byteLength(r.headersText)
          : headSize(`HTTP/1.1 ${r.status} ${r.statusText}`, r.headers as Record<string, string>);
      this.#touch();
    });
    s.on("Network.webSocketFrameReceived", (e) => {
      const w = this.#ws.get(e.requestId);
      if (w === undefined) return;
      w.in += wsFrameSize(Buffer.byteLength(e.response.payloadData), false);
      this.#touch();
    });
    s.on("Network.webSocketFrameSent", (e) => {
      const w = this.#ws.get(e.requestId);
      if (w === undefined) return;
      w.out += wsFrameSize(Buffer.byteLength(e.response.payloadData), true);
      this.#touch();
    });
  }

  /** Totals per transport so far. */
  totals(): Record<MeteredLane, MeteredCost> {
    const out = Object.fromEntries(
      METERED.map((t) => [t, { requests: 0, bytesIn: 0, bytesOut: 0, open: 0 }]),
    ) as Record<MeteredLane, MeteredCost>;
    for (const x of this.#http.values()) {
      const c = out[x.transport];
      c.requests += 1;
      // A request the browser never put on the wire (aborted before sending) has no sent head.
      c.bytesOut += x.sentHead === null ? 0 : x.sentHead + x.bodyBytes;
      c.bytesIn += x.finished ?? x.streamed;
      if (x.finished === null && !x.failed) c.open += 1;
    }
    for (const w of this.#ws.values()) {
      const c = out[w.lane];
      c.requests += 1;
      c.bytesOut += w.handshakeOut + w.out;
      c.bytesIn += (w.handshakeIn ?? 0) + w.in;
    }
    return out;
  }

  /** Per-request detail, for a report when figures disagree. */
  exchanges(): readonly HttpExchange[] {
    return [...this.#http.values()];
  }
}
