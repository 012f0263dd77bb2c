import { z } from "zod";
import type { Envelope } from "./envelope.ts";
import type { ErrorCode } from "./errors.ts";

/** Why a delivery restarted from the oldest retained message. */
export type ResetReason = "epoch" | "expired";

/**
 * First frame on a WebSocket and first event on SSE. `seq` is the channel's
 * head; `cursor` is where this delivery starts.
 */
export interface HelloFrame {
  readonly type: "hello";
  readonly channel: string;
  readonly epoch: string;
  readonly seq: number;
  readonly cursor: string;
  readonly time: number;
}

/** A delivered message: the envelope plus `type`. */
export interface MessageFrame extends Envelope {
  readonly type: "message";
}

/** The client's cursor could not be honoured; delivery continues after `cursor`. */
export interface ResetFrame {
  readonly type: "reset";
  readonly reason: ResetReason;
  readonly cursor: string;
}

/** Answer to a `publish` frame. */
export interface AckFrame {
  readonly type: "ack";
  readonly ref: Ref | null;
  readonly seq: number;
  readonly cursor: string;
}

/** Answer to a `ping` frame, with the server's wall clock. */
export interface PongFrame {
  readonly type: "pong";
  readonly ref: Ref | null;
  readonly time: number;
}

/** A refused frame; the connection stays open. */
export interface ErrorFrame {
  readonly type: "error";
  readonly code: ErrorCode;
  readonly message: string;
  readonly ref?: Ref;
}

/** Everything the server sends on a WebSocket. */
export type ServerFrame = HelloFrame | MessageFrame | ResetFrame | AckFrame | PongFrame | ErrorFrame;

/** A client-chosen correlation id, echoed back in `ack`, `pong` and `error`. */
export type Ref = string | number;

const refSchema = z.union([z.string().max(128), z.number().finite()]);

/** `{"type":"publish","data":…,"ref"?}` */
export const publishFrameSchema = z.object({
  type: z.literal("publish"),
  data: z.json(),
  ref: refSchema.optional(),
});

/** `{"type":"ping","ref"?}` */
export const pingFrameSchema = z.object({
  type: z.literal("ping"),
  ref: refSchema.optional(),
});

/** Every frame a client may send on a WebSocket. */
export const clientFrameSchema = z.discriminatedUnion("type", [publishFrameSchema, pingFrameSchema]);

/** A validated client frame. */
export type ClientFrame = z.infer<typeof clientFrameSchema>;
/** A validated publish frame. */
export type PublishFrame = z.infer<typeof publishFrameSchema>;
/** A validated ping frame. */
export type PingFrame = z.infer<typeof pingFrameSchema>;
