export { CHANNEL_NAME_PATTERN, DEFAULT_CHANNEL, isValidChannelName } from "./channel.ts";
export { type Cursor, EARLIEST, formatCursor, parseCursor } from "./cursor.ts";
export { type Envelope, envelopeSchema, type Json } from "./envelope.ts";
export { ERROR_CODES, type ErrorBody, type ErrorCode } from "./errors.ts";
export {
  type AckFrame,
  CLOSE_CODES,
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
  type ChannelInfo,
  GENERATOR_LIMITS,
  type GeneratorRequest,
  type GeneratorState,
  generatorRequestSchema,
  LONG_POLL_TIMEOUT,
  type PollResponse,
  type PublishResponse,
  publishRequestSchema,
  type ServerMetrics,
  TRANSPORT_NAMES,
  type TransportCounters,
  type TransportName,
} from "./http.ts";
