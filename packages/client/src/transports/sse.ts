import { httpRequestHeadBytes } from "@transport-lab/metrics";
import { EARLIEST, type Json, transportPath } from "@transport-lab/protocol";
import { isFatalStatus } from "../errors.ts";
import type { EventStreamEnd, EventStreamLike, EventStreamRequest, HttpClient } from "../platform.ts";
import {
  GAP_DROP,
  type PublishResult,
  type Transport,
  type TransportContext,
  type TransportDrop,
  type TransportFactory,
} from "../transport.ts";
import { httpPublish } from "./http-publish.ts";

/** Why a stream ended, as a drop. */
export function dropOfStreamEnd(end: EventStreamEnd): TransportDrop {
  switch (end.kind) {
    case "ended":
      return { reason: "server_closed", detail: "stream ended", fatal: false };
    case "failed":
      return { reason: "network", detail: end.message, fatal: false };
    case "interrupted":
      return { reason: "network", detail: "EventSource error", fatal: false };
    case "refused":
      return {
        reason: "http_error",
        detail: `HTTP ${end.status}`,
        status: end.status,
        fatal: isFatalStatus(end.status),
      };
    default: {
      const never: never = end;
      return never;
    }
  }
}

/**
 * Server-Sent Events: one streaming GET per connection (1 request), each envelope an
 * `id: <cursor>` + `data: <json>` event. The first connection sends the cursor in the query; a
 * reconnect sends it as `Last-Event-ID` where the platform's stream can carry headers, as
 * EventSource itself would. Publishes are HTTP POSTs.
 */
class SseTransport implements Transport {
  readonly name = "sse" as const;
  readonly publishNeedsOpen = false;
  readonly #http: HttpClient;
  #stream: EventStreamLike | undefined;
  #connections = 0;

  constructor(readonly ctx: TransportContext) {
    this.#http = ctx.platform.createHttp(ctx.baseUrl, ctx.link.recorder);
  }

  open(): void {
    this.#stream?.close();
    const { ctx } = this;
    const attempt = ctx.link.begin();
    const cursor = ctx.cursor();
    const resuming = this.#connections > 0 && cursor !== undefined && cursor !== EARLIEST;
    this.#connections += 1;
    const header = resuming && ctx.platform.eventStreamHeaders;
    const path = transportPath("sse", ctx.channel, { cursor: header ? undefined : cursor });
    const request: EventStreamRequest =
      header && cursor !== undefined
        ? { http: this.#http, path, lastEventId: cursor }
        : { http: this.#http, path };
    const openedAt = ctx.now();
    this.#stream = ctx.platform.openEventStream(request, {
      open: () => {
        if (!attempt.live || !ctx.link.wire.enabled) return;
        // For the wire view only (the platform counted the bytes): what the request head carries.
        const headers: Record<string, string> = {
          Host: new URL(ctx.baseUrl).host,
          Accept: "text/event-stream",
        };
        if (request.lastEventId !== undefined) headers["Last-Event-ID"] = request.lastEventId;
        const summary = `GET ${path}${request.lastEventId === undefined ? "" : ` Last-Event-ID: ${request.lastEventId}`}`;
        ctx.link.wire.emit(
          "out",
          "request",
          httpRequestHeadBytes("GET", path, headers),
          "computed",
          summary,
          openedAt,
        );
      },
      event: (type, data, wireBytes) => attempt.event(type, data, wireBytes),
      comment: (wireBytes) => attempt.comment(wireBytes),
      end: (end) => {
        if (!attempt.live) return;
        this.#stream = undefined;
        attempt.end(dropOfStreamEnd(end));
      },
    });
  }

  async close(): Promise<void> {
    this.ctx.link.stop();
    this.#stream?.close();
    this.#stream = undefined;
    await this.#http.close();
  }

  resync(): void {
    const attempt = this.ctx.link.attempt;
    if (this.#stream === undefined || attempt === undefined) return;
    this.#stream.close();
    this.#stream = undefined;
    attempt.end(GAP_DROP);
  }

  publish(data: Json): Promise<PublishResult> {
    return httpPublish(this.ctx, this.#http, data);
  }
}

/** Creates the SSE transport. */
export const sse: TransportFactory = (ctx) => new SseTransport(ctx);
