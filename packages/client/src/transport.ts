import type { Json, TransportName } from "@transport-lab/protocol";

/**
 * What a client's transports are named: the protocol's four, and `socketio`, which the optional
 * `@transport-lab/client/socketio` entry adds (the lab's Socket.IO endpoint, docs/protocol.md §19).
 */
export type ClientTransportName = TransportName | "socketio";

import type { Link } from "./link.ts";
import type { Platform } from "./platform.ts";

/** Why a transport's connection ended without the client asking for it. */
export type DropReason =
  /** Socket error, refused connection, aborted long-poll, unreadable answer. */
  | "network"
  /** The server ended the connection (stream end, WS close without a more specific code). */
  | "server_closed"
  /** WS 1012: the server cut the connection on purpose (its disconnect endpoint). */
  | "server_restart"
  /** WS 1001: the server is shutting down. */
  | "going_away"
  /** WS 1013: the client read too slowly; the server gave up on it. */
  | "too_slow"
  /** An HTTP error status on the stream, poll or handshake (detail holds it). */
  | "http_error"
  /** The client saw a seq gap and is resuming from its cursor to refetch it. */
  | "gap"
  /** No heartbeat or answer within the expected time. */
  | "timeout";

/** The end of one connection. `fatal` ones (a 4xx such as bad_cursor) are not retried. */
export interface TransportDrop {
  readonly reason: DropReason;
  /** Close code, HTTP status or error message. */
  readonly detail: string;
  /** The HTTP status the server refused with, when the transport could learn it. */
  readonly status?: number;
  readonly fatal: boolean;
}

/** The drop a transport reports when it closes its own connection to refetch a gap. */
export const GAP_DROP: TransportDrop = {
  reason: "gap",
  detail: "seq gap: resuming from the cursor",
  fatal: false,
};

/**
 * One way of talking to a channel, doing only its I/O (engine.io-client's `transports/`): it opens
 * connections and sends requests, and hands what arrives to the current {@link Attempt} of its
 * context's {@link Link}, which decodes it, reports it and tells the client. A transport instance
 * belongs to one client; `open()` starts a connection from `ctx.cursor()` and may be called
 * again after the attempt ended.
 */
export interface Transport<N extends ClientTransportName = ClientTransportName> {
  readonly name: N;
  /** Starts an attempt (`ctx.link.begin()`) and connects from the context's current cursor. */
  open(): void;
  /** Ends the connection and every request, timer and socket it holds; resolves once sockets are closed. */
  close(): Promise<void>;
  /** True when publish() needs the connection to be open (WebSocket); HTTP publishes go any time. */
  readonly publishNeedsOpen: boolean;
  /** Publishes `data` on this transport: WS frame with ack, or HTTP POST. */
  publish(data: Json): Promise<PublishResult>;
  /** One clock sample over the connection itself (WS ping frame); absent where that needs a request. */
  readonly ping?: () => Promise<number>;
  /** The client found a gap: make the next delivery start from `ctx.cursor()` again. */
  resync(): void;
}

/** What a publish resolves with: the seq the server assigned and the cursor just after it. */
export interface PublishResult {
  readonly seq: number;
  readonly cursor: string;
}

/** Everything a transport needs from its client. */
export interface TransportContext {
  /** `http://host:port`, no trailing slash. */
  readonly baseUrl: string;
  readonly channel: string;
  readonly pollIntervalMs: number;
  readonly longPollTimeoutMs: number;
  readonly platform: Platform;
  /** The shared layer: attempts, decoding, figures and wire events. */
  readonly link: Link;
  /** Where the next delivery should start: the client's tracked cursor, or its initial one. */
  cursor(): string | undefined;
  /** Wall clock in ms since 1970 (fractional). */
  now(): number;
}

/** Creates a transport for a client. */
export type TransportFactory<N extends ClientTransportName = ClientTransportName> = (
  ctx: TransportContext,
) => Transport<N>;
