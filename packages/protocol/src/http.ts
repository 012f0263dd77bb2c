import { z } from "zod";
import type { Envelope } from "./envelope.ts";
import type { ResetReason } from "./frames.ts";
import type { TransportName } from "./transports.ts";

/** Body of `POST /api/channels/:ch/messages`. `data` is required (`null` is allowed). */
export const publishRequestSchema = z.object({ data: z.json() });

/** `201` answer to a publish. */
export interface PublishResponse {
  readonly seq: number;
  readonly cursor: string;
  readonly time: number;
}

/** Answer of `poll` and `long-poll`. */
export interface PollResponse {
  /** Where the next request should resume: after the last message included. */
  readonly cursor: string;
  readonly messages: Envelope[];
  readonly reset?: { readonly reason: ResetReason };
  /**
   * Present, and `true`, only when the answer stopped at the server's size cap while more
   * messages are waiting after `cursor`: ask again at once instead of waiting an interval.
   */
  readonly more?: true;
}

/** `GET /api/admin`: whether the teacher's endpoints need a token, and whether this request's is right. */
export interface AdminStatusResponse {
  readonly tokenRequired: boolean;
  /** No token is needed, or the request's `Authorization: Bearer <token>` is the right one. */
  readonly authorized: boolean;
}

/** Bounds of the generator (docs/protocol.md §10). */
export const GENERATOR_LIMITS = { maxRate: 5000, maxPayloadBytes: 65536 } as const;

/** Body of `POST /api/channels/:ch/generator`. */
export const generatorRequestSchema = z.object({
  rate: z.number().min(0).max(GENERATOR_LIMITS.maxRate),
  payloadBytes: z.number().int().min(0).max(GENERATOR_LIMITS.maxPayloadBytes).default(64),
});

/** A validated generator request. */
export type GeneratorRequest = z.infer<typeof generatorRequestSchema>;

/** Answer of the generator endpoint. */
export interface GeneratorState {
  readonly channel: string;
  readonly rate: number;
  readonly payloadBytes: number;
  readonly running: boolean;
}

/** Long-poll `timeout` bounds in ms. */
export const LONG_POLL_TIMEOUT = { default: 25000, min: 1, max: 60000 } as const;

/** `GET /api/channels/:ch`. */
export interface ChannelInfo {
  readonly channel: string;
  readonly epoch: string;
  readonly seq: number;
  /** Oldest retained seq (seq + 1 when nothing is retained). */
  readonly oldestSeq: number;
  readonly subscribers: { readonly ws: number; readonly sse: number; readonly longPoll: number };
  readonly generator: { readonly rate: number; readonly payloadBytes: number; readonly running: boolean };
}

/** What the server counted for one transport, in `GET /api/metrics` (its side of the wire, not a client's). */
export interface ServerTransportCounters {
  connections: number;
  requests: number;
  messagesOut: number;
  bytesOut: number;
  errors: number;
}

/** @deprecated The old name of {@link ServerTransportCounters}, kept until apps/web has moved over. */
export type TransportCounters = ServerTransportCounters;

/** `GET /api/metrics`. */
export interface ServerMetrics {
  readonly transports: Record<TransportName, ServerTransportCounters>;
  readonly publishes: {
    readonly http: number;
    readonly ws: number;
    readonly generator: number;
    readonly rateLimited: number;
  };
  readonly channels: number;
  /**
   * Bytes of messages the channels keep for resume, and the limits that bound them. Optional in
   * this type only so that code written against older servers keeps compiling.
   */
  readonly retained?: {
    readonly bytes: number;
    readonly maxBytes: number;
    readonly maxChannelBytes: number;
  };
  readonly process: {
    readonly rss: number;
    readonly heapUsed: number;
    /** CPU use of the server process over the last sampling second, in % of one core. */
    readonly cpu: number;
    /** Event-loop delay p99 over the last sampling window, ms. */
    readonly eventLoopDelayP99: number;
  };
  /** Seconds since the server started. */
  readonly uptime: number;
}
