import { z } from "zod";
import type { Envelope } from "./envelope.ts";
import type { ResetReason } from "./frames.ts";
import type { GuestEndpointName } from "./guest-endpoints.ts";
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

/** Held connections per transport. */
export interface HeldCounts {
  readonly ws: number;
  readonly sse: number;
  readonly longPoll: number;
}

/** `GET /api/channels/:ch`. */
export interface ChannelInfo {
  readonly channel: string;
  readonly epoch: string;
  readonly seq: number;
  /** Oldest retained seq (seq + 1 when nothing is retained). */
  readonly oldestSeq: number;
  /** The channel's held connections: on every instance together when several share the channels. */
  readonly subscribers: HeldCounts;
  readonly generator: { readonly rate: number; readonly payloadBytes: number; readonly running: boolean };
  /** The id of the instance that answered (servers sharing channels through Redis only). */
  readonly instance?: string;
  /** Each live instance's held connections of this channel (servers sharing channels through Redis only). */
  readonly instances?: readonly { readonly id: string; readonly subscribers: HeldCounts }[];
}

/** One live server instance in `GET /api/metrics` of servers sharing channels through Redis. */
export interface InstanceMetrics {
  readonly id: string;
  /** Wall-clock ms when it started. */
  readonly startedAt: number;
  readonly transports: Record<TransportName, ServerTransportCounters>;
  readonly publishes: ServerMetrics["publishes"];
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
  /** The four transports, and (from servers that have them) the two guest endpoints. */
  readonly transports: Record<TransportName, ServerTransportCounters> &
    Partial<Record<GuestEndpointName, ServerTransportCounters>>;
  readonly publishes: {
    readonly http: number;
    readonly ws: number;
    readonly generator: number;
    readonly rateLimited: number;
    /** Chat lines from plain WebSocket clients; absent from servers before them. */
    readonly plainWs?: number;
    /** `message` and `publish` events from Socket.IO clients; absent from servers before them. */
    readonly socketio?: number;
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
  /** The instance that answered: its id and where its channels live (`memory`: this process only). */
  readonly instance?: { readonly id: string; readonly store: "memory" | "redis" };
  /**
   * Every live instance sharing the channels, this one included, as each last reported itself
   * (about once a second); absent for a server on its own. `channels` and `retained` above are
   * already for all of them together; the rest above is this instance's.
   */
  readonly instances?: readonly InstanceMetrics[];
}
