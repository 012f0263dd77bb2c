export { CHANNEL_NAME_PATTERN, DEFAULT_CHANNEL, isValidChannelName } from "./channel.ts";
export { CLASS_CLIENT_ID_PATTERN, type ClassRoster, type ClassRosterEntry } from "./class-roster.ts";
export { type Cursor, EARLIEST, formatCursor, parseCursor } from "./cursor.ts";
export {
  type Decoded,
  decodeErrorBody,
  decodePollAnswer,
  decodePublishAnswer,
  decodeServerFrame,
  decodeSocketIoAck,
  decodeSocketIoEvent,
  decodeStreamEvent,
  decodeTimeAnswer,
  type StreamFrame,
} from "./decode.ts";
export { type Envelope, envelopeSchema, type Json } from "./envelope.ts";
export { ERROR_CODES, type ErrorBody, type ErrorCode } from "./errors.ts";
export { SSE_RETRY_MS } from "./event-stream.ts";
export {
  type AckFrame,
  type ClientFrame,
  clientFrameSchema,
  type ErrorFrame,
  type HelloFrame,
  type MessageFrame,
  type PingFrame,
  type PongFrame,
  type PublishFrame,
  pingFrameSchema,
  publishFrameSchema,
  type Ref,
  type ResetFrame,
  type ResetReason,
  type ServerFrame,
} from "./frames.ts";
export {
  ENDPOINT_NAMES,
  type EndpointName,
  GUEST_CHANNEL,
  GUEST_CHAT_NAMES,
  GUEST_ENDPOINT_NAMES,
  type GuestEndpointName,
  PLAIN_WS_PATH,
  SOCKET_IO_EVENTS,
  SOCKET_IO_PATH,
  type SocketIoAck,
  type SocketIoAuth,
  type SocketIoRefusal,
} from "./guest-endpoints.ts";
export {
  type AdminStatusResponse,
  type ChannelInfo,
  GENERATOR_LIMITS,
  type GeneratorRequest,
  type GeneratorState,
  generatorRequestSchema,
  type HeldCounts,
  type InstanceMetrics,
  LONG_POLL_TIMEOUT,
  type PollResponse,
  type PublishResponse,
  publishRequestSchema,
  type ServerMetrics,
  type ServerTransportCounters,
  type TransportCounters,
} from "./http.ts";
export {
  LINK_NAME_PATTERN,
  LINK_PATH_PREFIX,
  type LinkInfo,
  type LinksResponse,
  type LinkUpgrade,
  linkBaseUrl,
} from "./links.ts";
export {
  type ChannelRoute,
  channelPath,
  ROUTES,
  type Route,
  type TransportQuery,
  transportOfRoute,
  transportPath,
  WS_PATH_PATTERN,
} from "./routes.ts";
export { isTransportName, TRANSPORT_NAMES, type TransportName } from "./transports.ts";
export { CLOSE_CODES, WS_READY_STATE } from "./websocket.ts";
