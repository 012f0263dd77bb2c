import type { ByteSource } from "@transport-lab/metrics";
import type { TransportStats } from "./transport-stats.ts";

/** Why an HTTP request is made; each kind counts as one request. */
export type RequestPurpose = "connect" | "poll" | "publish" | "clock";

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
 * The HTTP side of a platform, one per transport instance so that its
 * requests, sockets and bytes are that transport's. It counts every request
 * and its bytes into `stats`; the transports report exchanges to the wire tap.
 */
export interface HttpClient {
  /** Sends one request and reads its whole answer; rejects on network failure or abort. */
  request(request: HttpRequest): Promise<HttpResult>;
  /** Opens a streaming GET (SSE); returns the function that aborts it (no `end` call after it). */
  stream(path: string, headers: Record<string, string>, handlers: HttpStreamHandlers): () => void;
  /** Aborts every request and closes every socket; resolves once they are closed. It stays usable: a later request opens new sockets. */
  close(): Promise<void>;
}

/** Callbacks of a WebSocket; `close` is called exactly once, after `error` when there is one. */
export interface WebSocketHandlers {
  open(): void;
  /** A text frame; `payloadBytes` is its UTF-8 length. */
  message(text: string, payloadBytes: number): void;
  /** The handshake was refused with this HTTP status, or the socket failed. */
  error(message: string, status: number | undefined): void;
  close(code: number, reason: string): void;
}

/** The few WebSocket operations the transport uses (keeps `ws` types out of the contract). */
export interface WebSocketLike {
  /** Sends a text frame; returns its payload size in bytes. */
  send(text: string): number;
  /** Starts the closing handshake; `close` follows. */
  close(code: number, reason: string): void;
  /** Resolves once the socket is fully closed (the underlying TCP socket included). */
  readonly closed: Promise<void>;
}

/** Callbacks of an SSE stream. */
export interface EventStreamHandlers {
  open(): void;
  /** One dispatched event and its size on the wire (chunked framing not included). */
  event(type: string, data: string, id: string, bytes: number): void;
  /** A comment (`: ping`) or a field-only block, with its size. */
  comment(bytes: number): void;
  /** The stream ended or failed; `status` when the server answered with an error status. */
  end(message: string, status: number | undefined): void;
}

/** An open SSE stream. */
export interface EventStreamLike {
  /** Stops the stream; no callback follows. */
  close(): void;
}

/** What a transport uses from its platform (Node: `ws`, `node:http`; browser: `WebSocket`, `EventSource`, `fetch`). */
export interface Platform {
  readonly name: "node" | "browser";
  /** Whether a platform counter sees WebSocket / event-stream bytes (else they are computed). */
  readonly measures: { readonly webSocket: boolean; readonly eventStream: boolean };
  createHttp(baseUrl: string, stats: TransportStats): HttpClient;
  openWebSocket(url: string, stats: TransportStats, handlers: WebSocketHandlers): WebSocketLike;
  /**
   * Opens `path` as an event stream. Node streams it through `http` with a
   * `Last-Event-ID` header when one is given; a browser's EventSource cannot
   * set that header, so the cursor also travels in the query.
   */
  openEventStream(
    http: HttpClient,
    baseUrl: string,
    path: string,
    lastEventId: string | undefined,
    stats: TransportStats,
    handlers: EventStreamHandlers,
  ): EventStreamLike;
}
