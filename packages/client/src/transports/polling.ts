import {
  formatCursor,
  type Json,
  LONG_POLL_TIMEOUT,
  type PollResponse,
  parseCursor,
  type TransportName,
} from "@transport-lab/protocol";
import { Emitter } from "../emitter.ts";
import { isFatalStatus } from "../errors.ts";
import type { HttpClient, HttpResult } from "../platform.ts";
import type {
  PublishResult,
  Transport,
  TransportContext,
  TransportDrop,
  TransportEvents,
} from "../transport.ts";
import { channelPath, httpPublish, reportExchange } from "./shared.ts";

/** How long past the server-side timeout a held long-poll may take before it counts as lost. */
const LONG_POLL_GRACE_MS = 5000;

/** Interval polling asks and gets an answer at once; long polling is held until a message or the timeout. */
export type PollingMode = "poll" | "longPoll";

/**
 * Both polling transports (engine.io-client `polling.ts`): a loop of GETs,
 * each resuming from the client's cursor, so a lost answer is simply asked
 * for again. `open` fires on the first answer of a connection; an answer with
 * no message counts as empty; a failed request ends the connection and the
 * client backs off before `open()` again. Publishes are HTTP POSTs.
 */
export class PollingTransport implements Transport {
  readonly events = new Emitter<TransportEvents>();
  readonly publishNeedsOpen = false;
  readonly #http: HttpClient;
  #generation = 0;
  #controller: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly ctx: TransportContext,
    readonly mode: PollingMode,
  ) {
    this.#http = ctx.platform.createHttp(ctx.baseUrl, ctx.stats);
  }

  get name(): TransportName {
    return this.mode;
  }

  open(): void {
    this.#stop();
    this.#next(++this.#generation, true);
  }

  async close(): Promise<void> {
    this.#stop();
    await this.#http.close();
  }

  resync(): void {
    // Every request reads the client's cursor afresh, so the next one refetches the gap.
  }

  publish(data: Json): Promise<PublishResult> {
    return httpPublish(this.ctx, this.#http, data);
  }

  #stop(): void {
    this.#generation += 1;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#holdTimer !== undefined) clearTimeout(this.#holdTimer);
    this.#timer = undefined;
    this.#holdTimer = undefined;
    this.#controller?.abort();
    this.#controller = undefined;
  }

  async #request(generation: number, first: boolean): Promise<void> {
    const { ctx } = this;
    const longPoll = this.mode === "longPoll";
    // A connection's first long-poll asks for a 1 ms hold: it is the handshake that confirms the
    // cursor and places the client at once, instead of leaving it "connecting" for a whole quiet hold.
    const hold = first ? LONG_POLL_TIMEOUT.min : ctx.longPollTimeoutMs;
    const path = longPoll
      ? channelPath(ctx.channel, "long-poll", ctx.cursor(), `timeout=${hold}`)
      : channelPath(ctx.channel, "poll", ctx.cursor());
    const controller = new AbortController();
    this.#controller = controller;
    let timedOut = false;
    const deadline = longPoll
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, hold + LONG_POLL_GRACE_MS)
      : undefined;
    this.#holdTimer = deadline;
    const sentAt = ctx.now();
    let result: HttpResult;
    try {
      result = await this.#http.request({ method: "GET", path, signal: controller.signal, purpose: "poll" });
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#end({
        reason: timedOut ? "timeout" : "network",
        detail: timedOut ? "long-poll held past its timeout" : (error as Error).message,
        fatal: false,
      });
      return;
    } finally {
      if (deadline !== undefined) clearTimeout(deadline);
      if (this.#holdTimer === deadline) this.#holdTimer = undefined;
    }
    if (generation !== this.#generation) return;
    if (result.status !== 200) {
      reportExchange(ctx, "GET", path, result, sentAt, `${result.status}`);
      ctx.stats.metrics.recordError();
      this.#end({
        reason: "http_error",
        detail: `HTTP ${result.status}`,
        status: result.status,
        fatal: isFatalStatus(result.status),
      });
      return;
    }
    let answer: PollResponse;
    try {
      answer = JSON.parse(result.body) as PollResponse;
    } catch {
      ctx.stats.metrics.recordError();
      this.#end({ reason: "network", detail: "unreadable poll answer", fatal: false });
      return;
    }
    const messages = answer.messages;
    ctx.stats.responses += 1;
    if (messages.length === 0) ctx.stats.metrics.recordEmpty();
    if (ctx.wire.enabled) {
      const last = messages[messages.length - 1];
      const summary =
        messages.length === 0
          ? "empty"
          : `${messages.length} message${messages.length === 1 ? "" : "s"} #${messages[0]?.seq}–#${last?.seq}`;
      reportExchange(ctx, "GET", path, result, sentAt, summary);
    }
    const start = startCursor(answer);
    if (answer.reset !== undefined) this.events.emit("reset", { reason: answer.reset.reason, cursor: start });
    if (first) {
      this.events.emit("sync", { cursor: start });
      this.events.emit("open", { cursor: start });
    }
    for (let i = 0; i < messages.length; i++) {
      if (generation !== this.#generation) return;
      ctx.stats.received += 1;
      this.events.emit("message", messages[i] as PollResponse["messages"][number]);
    }
    if (generation !== this.#generation) return;
    if (longPoll) {
      this.#next(generation, false);
    } else {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#next(generation, false);
      }, ctx.pollIntervalMs);
    }
  }

  /** Runs one request; anything unexpected ends the connection instead of escaping as an unhandled rejection. */
  #next(generation: number, first: boolean): void {
    this.#request(generation, first).catch((error: unknown) => {
      if (generation !== this.#generation) return;
      this.ctx.stats.metrics.recordError();
      this.#end({ reason: "network", detail: String(error), fatal: false });
    });
  }

  #end(drop: TransportDrop): void {
    this.#generation += 1;
    this.#controller = undefined;
    this.events.emit("close", drop);
  }
}

/** Where an answer's delivery starts: just before its first message, or its cursor when it has none. */
function startCursor(answer: PollResponse): string {
  const first = answer.messages[0];
  if (first === undefined) return answer.cursor;
  const parsed = parseCursor(answer.cursor);
  return parsed?.kind === "at" ? formatCursor(parsed.epoch, first.seq - 1) : answer.cursor;
}
