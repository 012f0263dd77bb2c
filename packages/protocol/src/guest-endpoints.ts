import type { ErrorCode } from "./errors.ts";
import { TRANSPORT_NAMES } from "./transports.ts";

/**
 * The two endpoints for clients the lab did not write (docs/protocol.md §18 and §19): the plain
 * WebSocket of the classic `ws` chat example at `/`, and Socket.IO at its default path. They are
 * counted beside the four transports in `GET /api/metrics`, under these names.
 */
export const GUEST_ENDPOINT_NAMES = ["plainWs", "socketio"] as const;

/** One of {@link GUEST_ENDPOINT_NAMES}. */
export type GuestEndpointName = (typeof GUEST_ENDPOINT_NAMES)[number];

/** Everything the server counts per endpoint: the four transports, then the two guest endpoints. */
export const ENDPOINT_NAMES = [...TRANSPORT_NAMES, ...GUEST_ENDPOINT_NAMES] as const;

/** One of {@link ENDPOINT_NAMES}. */
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

/** Path of the plain WebSocket endpoint: `new WebSocket("ws://localhost:3000")` asks for `/`. */
export const PLAIN_WS_PATH = "/";

/** The channel plain WebSocket clients and Socket.IO `message` events talk on by default. */
export const GUEST_CHANNEL = "chat";

/**
 * The `name` of the chat lines these endpoints publish (`{"chat":{"name","text"}}`, the shape the
 * page's Chat view shows). A plain WebSocket client gets lines of its own kind back as the bare
 * text it sent, every other line as `name: text`.
 */
export const GUEST_CHAT_NAMES = { plainWs: "plain WebSocket", socketio: "Socket.IO" } as const;

/** Socket.IO's default path, where the lab's Socket.IO server listens (Engine.IO protocol 4). */
export const SOCKET_IO_PATH = "/socket.io/";

/** The Socket.IO events of the lab's endpoint; docs/protocol.md §19 says what each carries. */
export const SOCKET_IO_EVENTS = {
  /** Server → client, first: an object shaped as the WebSocket `hello` frame (where this delivery starts). */
  hello: "hello",
  /** Server → client: `{reason, cursor}`, the cursor could not be honoured. */
  reset: "reset",
  /** Server → client: one envelope. Client → server: one chat line (a string) for the channel. */
  message: "message",
  /** Client → server: `publish(data, ack)`, any JSON as the message's `data`; ack {@link SocketIoAck}. */
  publish: "publish",
  /** Client → server: `time(ack)`; the ack carries `{time}`, the server's clock (for the clock offset). */
  time: "time",
} as const;

/** The handshake's `auth` (`io(url, { auth: { channel, cursor } })`); both optional. */
export interface SocketIoAuth {
  /** Default {@link GUEST_CHANNEL}. */
  readonly channel?: string;
  /** As `?cursor=` of the four transports: absent for live, `earliest`, or `<epoch>:<seq>`. */
  readonly cursor?: string;
}

/** The answer to a `message` or `publish` event with an ack callback. */
export type SocketIoAck =
  | { readonly seq: number; readonly cursor: string }
  | { readonly error: { readonly code: ErrorCode; readonly message: string } };

/**
 * `connect_error` `data` when the lab's middleware refuses a Socket.IO connection (a bad channel
 * or cursor, a full server): the status and code the HTTP transports would answer with.
 */
export interface SocketIoRefusal {
  readonly status: number;
  readonly code: ErrorCode;
}
