import { type Json, LONG_POLL_TIMEOUT, type TransportName, transportPath } from "@transport-lab/protocol";
import type { Attempt } from "../attempt.ts";
import type { HttpClient, HttpResult } from "../platform.ts";
import type { PublishResult, Transport, TransportContext } from "../transport.ts";
import { httpPublish } from "./http-publish.ts";

/** How long past the server-side timeout a held long-poll may take before it counts as lost. */
const LONG_POLL_GRACE_MS = 5000;

/** Interval polling asks and gets an answer at once; long polling is held until a message or the timeout. */
export type PollingMode = "poll" | "longPoll";

/** What the next request of a connection is for. */
type Next = "first" | "more" | "wait";

/**
 * Both polling transports (engine.io-client `polling.ts`): a loop of GETs, each resuming from the
 * client's cursor, so a lost answer is simply asked for again. An answer that says more is
 * waiting (`more`) is followed at once, without the interval or a hold; a failed request ends the
 * attempt and the client backs off before `open()` again. Publishes are HTTP POSTs.
 */
export class PollingTransport implements Transport {
  readonly publishNeedsOpen = false;
  readonly #http: HttpClient;
  #controller: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly ctx: TransportContext,
    readonly mode: PollingMode,
  ) {
    this.#http = ctx.platform.createHttp(ctx.baseUrl, ctx.link.recorder);
  }

  get name(): TransportName {
    return this.mode;
  }

  open(): void {
    this.#stop();
    this.#next(this.ctx.link.begin(), "first");
  }

  async close(): Promise<void> {
    this.ctx.link.stop();
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
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#holdTimer !== undefined) clearTimeout(this.#holdTimer);
    this.#timer = undefined;
    this.#holdTimer = undefined;
    this.#controller?.abort();
    this.#controller = undefined;
  }

  async #request(attempt: Attempt, next: Next): Promise<void> {
    const { ctx } = this;
    const longPoll = this.mode === "longPoll";
    // A connection's first long-poll asks for a 1 ms hold: it is the handshake that confirms the
    // cursor and places the client at once, instead of leaving it "connecting" for a whole quiet
    // hold. A request for what an answer left waiting is not held either.
    const hold = next === "wait" ? ctx.longPollTimeoutMs : LONG_POLL_TIMEOUT.min;
    const path = transportPath(this.mode, ctx.channel, {
      timeout: longPoll ? hold : undefined,
      cursor: ctx.cursor(),
    });
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
      attempt.end(
        timedOut
          ? { reason: "timeout", detail: "long-poll held past its timeout", fatal: false }
          : { reason: "network", detail: (error as Error).message, fatal: false },
      );
      return;
    } finally {
      if (deadline !== undefined) clearTimeout(deadline);
      if (this.#holdTimer === deadline) this.#holdTimer = undefined;
    }
    const answer = attempt.answer({ method: "GET", path, sentAt }, result);
    if (answer === undefined) return;
    if (answer.more === true) this.#next(attempt, "more");
    else if (longPoll) this.#next(attempt, "wait");
    else {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#next(attempt, "wait");
      }, ctx.pollIntervalMs);
    }
  }

  /** Runs one request; anything unexpected ends the attempt instead of escaping as an unhandled rejection. */
  #next(attempt: Attempt, next: Next): void {
    this.#request(attempt, next).catch((error: unknown) => attempt.fail(String(error)));
  }
}
