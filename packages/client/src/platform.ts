import type { ByteSource } from "@transport-lab/metrics";

/** Why an HTTP request is made; each kind counts as one request. */
export type RequestPurpose = "connect" | "poll" | "publish" | "clock";

/** A live byte counter owned by the platform (a Node socket's bytesRead/bytesWritten). */
export interface ByteProbe {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/**
 * What a platform reports about its own I/O, into the recorder of the transport it works for:
 * requests, bytes (computed from the protocol, or read from live counters), and failures below HTTP.
 * `covered` says that a live counter of the platform sees the same bytes, so they are kept only as
 * a cross-check.
 */
export interface IoRecorder {
  countRequest(purpose: RequestPurpose): void;
  /** A request, stream or socket failed below HTTP (refused, reset, aborted). */
  countFailure(purpose: RequestPurpose): void;
  computedIn(bytes: number, covered: boolean): void;
  computedOut(bytes: number, covered: boolean): void;
  /**
   * A platform counter (a Resource Timing entry) reported `bytes` received for what was counted
   * before as `computed` with {@link IoRecorder.computedIn}: the figure now holds the measured size.
   */
  measuredIn(bytes: number, computed: number): void;
  /** Starts reading a live counter (a socket); `retire` takes its final values. */
  attach(probe: ByteProbe): void;
  retire(probe: ByteProbe): void;
}

/** One JSON request relative to the client's base URL. */
export interface HttpRequest {
  readonly method: "GET" | "POST";
  /** Path and query, e.g. `/api/channels/chat/poll?cursor=…`. */
  readonly path: string;
  readonly body?: string;
  readonly signal?: AbortSignal;
  readonly purpose: RequestPurpose;
}

/** A completed HTTP exchange, with its size on the wire each way (headers and framing included). */
export interface HttpResult {
  readonly status: number;
  readonly body: string;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** Where the two sizes come from. */
  readonly sizeSource: ByteSource;
}

/** Callbacks of a streaming GET; `end` is called exactly once unless the caller aborted. */
export interface HttpStreamHandlers {
  response(status: number, contentType: string): void;
  data(chunk: Uint8Array): void;
  /** The stream ended (`error` undefined) or failed. */
  end(error: Error | undefined): void;
}

/**
 * The HTTP side of a platform, one per transport instance so that its requests, sockets and
 * bytes are that transport's: it counts every request and its bytes into `recorder`.
 */
export interface HttpClient {
  /** The server, no trailing slash; every path is relative to it. */
  readonly baseUrl: string;
  readonly recorder: IoRecorder;
  /** True when a live counter sees every byte of its sockets (Node's `node:http`); false for `fetch`. */
  readonly measured: boolean;
  /** Sends one request and reads its whole answer; rejects on network failure or abort. */
  request(request: HttpRequest): Promise<HttpResult>;
  /** Opens a streaming GET (SSE); returns the function that aborts it (no `end` call after it). */
  stream(path: string, headers: Record<string, string>, handlers: HttpStreamHandlers): () => void;
  /** Aborts every request and closes every socket; resolves once they are closed. It stays usable: a later request opens new sockets. */
  close(): Promise<void>;
}

/** How a WebSocket ended. */
export interface WebSocketEnd {
  /** The close code; 1005: the close frame carried none; 1006: no close frame came at all. */
  readonly code: number;
  readonly reason: string;
  /** The handshake was answered with this HTTP status instead of 101 (where the platform can tell). */
  readonly status?: number;
  /** What failed, when the socket failed rather than closed. */
  readonly error?: string;
}

/**
 * Callbacks of a WebSocket. The platform counts the handshake and every frame's bytes (control
 * frames included) into the transport's recorder; the sizes it passes on are for the wire view.
 */
export interface WebSocketHandlers {
  /** A text frame and its size on the wire (RFC 6455 header included). */
  message(text: string, wireBytes: number): void;
  /** The socket is closed; called exactly once, whatever ended it. */
  close(end: WebSocketEnd): void;
}

/** The few WebSocket operations the transport uses (keeps `ws` types out of the contract). */
export interface WebSocketLike {
  /** Sends a text frame; returns its size on the wire (header and mask included). */
  send(text: string): number;
  /** Starts the closing handshake (or abandons a handshake still under way); `close` follows. */
  close(code: number, reason: string): void;
  /** Resolves once the socket is fully closed (the underlying TCP socket included). */
  readonly closed: Promise<void>;
}

/** How an event stream ended. */
export type EventStreamEnd =
  /** The server finished the response. */
  | { readonly kind: "ended" }
  /** The request failed below HTTP (refused, reset, aborted by the network). */
  | { readonly kind: "failed"; readonly message: string }
  /** The server answered with an error status (or not with an event stream). */
  | { readonly kind: "refused"; readonly status: number }
  /** It stopped, and the platform cannot tell whether the server ended it or the network failed (EventSource). */
  | { readonly kind: "interrupted" };

/** Callbacks of an SSE stream. The platform counts the request and every event's bytes. */
export interface EventStreamHandlers {
  /** The server answered `200 text/event-stream`. */
  open(): void;
  /** One dispatched event and its size on the wire (its lines; chunked framing not included). */
  event(type: string, data: string, wireBytes: number): void;
  /** A comment (`: ping`) or a field-only block, with its size. */
  comment(wireBytes: number): void;
  /** The stream is over; called once, and never after `close()`. */
  end(end: EventStreamEnd): void;
}

/** What an event stream is opened with. */
export interface EventStreamRequest {
  /** The transport's HTTP client: its base URL, counters and (on Node) its sockets. */
  readonly http: HttpClient;
  /** Path and query. */
  readonly path: string;
  /** Only on platforms whose `eventStreamHeaders` is true. */
  readonly lastEventId?: string;
}

/** An open SSE stream. */
export interface EventStreamLike {
  /** Stops the stream; no callback follows. */
  close(): void;
}

/** What a transport uses from its platform (Node: `ws`, `node:http`; browser: `WebSocket`, `EventSource`, `fetch`). */
export interface Platform {
  /**
   * Whether an event stream's request can carry headers (`Last-Event-ID` on a reconnect). A
   * streaming GET can; a browser's EventSource cannot on its first request, so there the cursor
   * travels in the query.
   */
  readonly eventStreamHeaders: boolean;
  createHttp(baseUrl: string, recorder: IoRecorder): HttpClient;
  openWebSocket(url: string, recorder: IoRecorder, handlers: WebSocketHandlers): WebSocketLike;
  openEventStream(request: EventStreamRequest, handlers: EventStreamHandlers): EventStreamLike;
}
