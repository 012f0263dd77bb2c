import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { LONG_POLL_TIMEOUT, ROUTES, type ServerTransportCounters } from "@transport-lab/protocol";
import type { Hono } from "hono";
import { type Channel, type Connection, type CutReason, checkChannelName } from "../channel.ts";
import type { LogSubscriber } from "../channel-log.ts";
import { type AppContext, addressOf, type NodeBindings, requireCursor } from "../context.ts";
import { ApiError, refuseHead } from "../errors.ts";
import type { Hub } from "../hub.ts";
import type { LogEntry } from "../log-entry.ts";
import { answerNow, POLL_HEADERS, pollBody } from "../poll-body.ts";
import { resolveCursor, type StartPoint } from "../resolve-cursor.ts";
import { parseDecimal } from "../validate.ts";

/** Parses `?timeout=` in ms (default 25000, 1–60000, plain decimal digits only). */
export function parseTimeout(raw: string | undefined): number {
  if (raw === undefined || raw === "") return LONG_POLL_TIMEOUT.default;
  const ms = parseDecimal(raw);
  if (ms === undefined || ms < LONG_POLL_TIMEOUT.min || ms > LONG_POLL_TIMEOUT.max) {
    throw new ApiError(
      400,
      "bad_param",
      `timeout must be an integer number of ms from ${LONG_POLL_TIMEOUT.min} to ${LONG_POLL_TIMEOUT.max}, got "${raw}"`,
    );
  }
  return ms;
}

const HELD = Symbol("transport-lab.held-long-poll");
type HeldResponse = ServerResponse & { [HELD]?: HeldLongPoll | undefined };

/**
 * One waiting long-poll: the hub's connection and the log's subscriber in one object. A class
 * with shared listeners, like the SSE and WebSocket ones, because 10,000 held long-polls each
 * with a set of closures show in memory (see docs/benchmarks.md).
 *
 * Held only while the head was at the cursor, and subscribed in that same tick: the first entry
 * to arrive is the next one, whose single-message answer is cached on the entry.
 */
class HeldLongPoll implements Connection, LogSubscriber {
  readonly transport = "longPoll";
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly res: ServerResponse,
    readonly address: string,
    readonly channel: Channel,
    readonly start: StartPoint,
    readonly hub: Hub,
    readonly stats: ServerTransportCounters,
  ) {}

  hold(timeoutMs: number): void {
    (this.res as HeldResponse)[HELD] = this;
    this.channel.log.subscribe(this);
    this.hub.attach(this.channel, this);
    this.#timer = setTimeout(expire, timeoutMs, this);
    this.res.once("close", onClose);
  }

  /** Log subscriber contract: the next message wakes the request (a shared log may hand over older ones). */
  receive(entry: LogEntry): void {
    if (entry.seq > this.start.afterSeq) this.finish(entry);
  }

  /**
   * Hub contract: at shutdown (or a new epoch) the request is answered; a disconnect (a network
   * fault) gets nothing.
   */
  cut(reason: CutReason): void {
    if (reason !== "disconnect") {
      this.finish(undefined);
      return;
    }
    this.finish(null);
    this.res.destroy();
  }

  /** Answers with `entry`, with nothing new (`undefined`), or not at all (`null`: the client is gone). */
  finish(entry: LogEntry | undefined | null): void {
    const { res, stats } = this;
    clearTimeout(this.#timer);
    this.channel.log.unsubscribe(this);
    res.off("close", onClose);
    (res as HeldResponse)[HELD] = undefined;
    this.hub.detach(this.channel, this);
    if (entry === null) return;
    const body = entry === undefined ? pollBody(this.start, []) : entry.pollBody;
    if (entry) stats.messagesOut += 1;
    stats.bytesOut += body.length;
    res.writeHead(200, { ...POLL_HEADERS, "content-length": body.length });
    res.end(body);
  }
}

function expire(held: HeldLongPoll) {
  held.finish(undefined);
}
function onClose(this: HeldResponse) {
  this[HELD]?.finish(null);
}

/**
 * `GET /api/channels/:ch/long-poll?cursor=&timeout=`: answers at once when
 * something is after the cursor (or a reset is due), otherwise holds the
 * request until the next message or the timeout. A held request is one log
 * subscriber; it is removed the moment the client goes away.
 */
export function mountLongPoll(app: Hono<NodeBindings>, ctx: AppContext): void {
  const { hub, counters } = ctx;
  const stats = counters.transports.longPoll;
  app.get(ROUTES.longPoll, async (c) => {
    stats.requests += 1;
    refuseHead(c.req.method, c.req.path);
    const name = checkChannelName(c.req.param("ch"));
    const cursor = requireCursor(c.req.query("cursor"));
    const timeout = parseTimeout(c.req.query("timeout"));
    const address = addressOf(c.env.incoming.socket);
    const to = { address, res: c.env.outgoing, socket: c.env.incoming.socket };
    const state = await hub.headOf(name);
    const start = resolveCursor(state, cursor);
    if (start.reset !== undefined || state.seq > start.afterSeq || hub.shuttingDown) {
      return c.body(await answerNow(ctx, name, start, stats, to), 200, POLL_HEADERS);
    }
    // Refused before the channel is made: a refused request leaves nothing behind.
    hub.checkCapacity(address);
    const channel = await hub.obtainHeld(name, address, () => to.socket.destroyed);
    // The client left while the head was read (a round trip with Redis): its `close` has passed.
    if (!channel) return RESPONSE_ALREADY_SENT;
    // Something arrived while the channel was being made: answer it now rather than wait for the next.
    if (channel.log.state().seq > start.afterSeq && channel.log.state().epoch === state.epoch) {
      return c.body(await answerNow(ctx, name, start, stats, to), 200, POLL_HEADERS);
    }
    // The request is held on Node's own response, and the handler returns at once: a pending
    // Hono handler keeps its context, request and AbortSignal alive, which tripled the memory of
    // each of 10,000 held long-polls (see docs/benchmarks.md).
    new HeldLongPoll(c.env.outgoing, address, channel, start, hub, stats).hold(timeout);
    return RESPONSE_ALREADY_SENT;
  });
}
