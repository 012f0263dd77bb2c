import type { IncomingMessage, ServerResponse } from "node:http";
import { type Cursor, parseCursor } from "@transport-lab/protocol";
import type { ServerOptions } from "./config.ts";
import { ApiError } from "./errors.ts";
import type { Hub } from "./hub.ts";
import type { createKeyedRateLimiter } from "./rate-limit.ts";
import type { ServerCounters } from "./server-metrics.ts";

/** What every route and transport shares within one server instance. */
export interface AppContext {
  readonly options: ServerOptions;
  readonly hub: Hub;
  readonly counters: ServerCounters;
  /** Per-IP publish limiter for HTTP publishes. */
  readonly httpLimiter: ReturnType<typeof createKeyedRateLimiter>;
  /** Periodic jobs (heartbeats, keep-alives) register here; all stop at shutdown. */
  readonly intervals: Set<NodeJS.Timeout>;
}

/**
 * Hono bindings provided by @hono/node-server. `outgoing` is only absent on its WebSocket
 * upgrade path, which this server does not use (upgrades go to `transports/ws.ts` directly).
 */
export type NodeBindings = {
  Bindings: { incoming: IncomingMessage; outgoing: ServerResponse };
};

/** Parses a cursor from a query value or header; 400 `bad_cursor` when it does not parse. */
export function requireCursor(raw: string | undefined): Cursor {
  const cursor = parseCursor(raw);
  if (!cursor) {
    throw new ApiError(400, "bad_cursor", `cursor must be "earliest" or "<epoch>:<seq>", got "${raw}"`);
  }
  return cursor;
}

/** Runs `fn` every `ms` until shutdown. */
export function every(ctx: AppContext, ms: number, fn: () => void): void {
  const timer = setInterval(fn, ms);
  timer.unref();
  ctx.intervals.add(timer);
}
