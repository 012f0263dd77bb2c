import { chunkedEncodingOverhead, httpRequestHeadBytes } from "@transport-lab/metrics";
import type { Envelope, HelloFrame, Json, ResetReason } from "@transport-lab/protocol";
import { Emitter } from "../emitter.ts";
import { isFatalStatus } from "../errors.ts";
import type { EventStreamLike, HttpClient } from "../platform.ts";
import type {
  PublishResult,
  Transport,
  TransportContext,
  TransportEvents,
  TransportFactory,
} from "../transport.ts";
import { channelPath, httpPublish } from "./shared.ts";

/**
 * Server-Sent Events: one streaming GET per connection (1 request), each
 * envelope an `id: <cursor>` + `data: <json>` event. The first connection
 * sends the cursor in the query; a reconnect sends it as `Last-Event-ID`
 * where the platform allows it (Node), as EventSource itself would.
 * Publishes are HTTP POSTs.
 */
class SseTransport implements Transport {
  readonly name = "sse" as const;
  readonly events = new Emitter<TransportEvents>();
  readonly publishNeedsOpen = false;
  readonly #http: HttpClient;
  readonly #measured: boolean;
  #stream: EventStreamLike | undefined;
  #connections = 0;

  constructor(readonly ctx: TransportContext) {
    this.#http = ctx.platform.createHttp(ctx.baseUrl, ctx.stats);
    this.#measured = ctx.platform.measures.eventStream;
  }

  open(): void {
    this.#stream?.close();
    const { ctx } = this;
    const cursor = ctx.cursor();
    const resuming = this.#connections > 0 && cursor !== undefined && cursor !== "earliest";
    this.#connections += 1;
    const path = channelPath(
      ctx.channel,
      "sse",
      resuming && ctx.platform.name === "node" ? undefined : cursor,
    );
    const lastEventId = resuming ? cursor : undefined;
    const openedAt = ctx.now();
    // For the wire view only (the totals come from the platform): what the request head carries.
    const requestHeaders: Record<string, string> = {
      Host: new URL(ctx.baseUrl).host,
      Accept: "text/event-stream",
    };
    if (lastEventId !== undefined) requestHeaders["Last-Event-ID"] = lastEventId;
    const stream: EventStreamLike = ctx.platform.openEventStream(
      this.#http,
      ctx.baseUrl,
      path,
      lastEventId,
      ctx.stats,
      {
        open: () => {
          if (stream !== this.#stream || !ctx.wire.enabled) return;
          const head = httpRequestHeadBytes("GET", path, requestHeaders);
          const summary = `GET ${path}${lastEventId === undefined ? "" : ` Last-Event-ID: ${lastEventId}`}`;
          ctx.wire.emit("out", "request", head, "computed", summary, openedAt);
        },
        event: (type, data, _id, bytes) => {
          if (stream === this.#stream) this.#event(type, data, bytes);
        },
        comment: (bytes) => {
          if (stream !== this.#stream) return;
          this.#count(bytes);
          if (ctx.wire.enabled) ctx.wire.emit("in", "event", bytes, "computed", "comment");
        },
        end: (message, status) => {
          if (stream !== this.#stream) return;
          this.#stream = undefined;
          if (status !== undefined) {
            ctx.stats.metrics.recordError();
            this.events.emit("close", {
              reason: "http_error",
              detail: message,
              status,
              fatal: isFatalStatus(status),
            });
          } else {
            const reason = message === "stream ended" ? "server_closed" : "network";
            this.events.emit("close", { reason, detail: message, fatal: false });
          }
        },
      },
    );
    this.#stream = stream;
  }

  async close(): Promise<void> {
    this.#stream?.close();
    this.#stream = undefined;
    await this.#http.close();
  }

  resync(): void {
    if (this.#stream === undefined) return;
    this.#stream.close();
    this.#stream = undefined;
    this.events.emit("close", { reason: "gap", detail: "seq gap: resuming from the cursor", fatal: false });
  }

  publish(data: Json): Promise<PublishResult> {
    return httpPublish(this.ctx, this.#http, data);
  }

  /** Each event is one chunk of the chunked response: add its framing to the computed size. */
  #count(bytes: number): void {
    this.ctx.stats.framesIn += 1;
    this.ctx.stats.computedIn(bytes + chunkedEncodingOverhead(bytes), this.#measured);
  }

  #event(type: string, data: string, bytes: number): void {
    const { stats, wire } = this.ctx;
    this.#count(bytes);
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      stats.metrics.recordError();
      return;
    }
    switch (type) {
      case "message": {
        const envelope = parsed as Envelope;
        stats.received += 1;
        if (wire.enabled) wire.emit("in", "event", bytes, "computed", `message #${envelope.seq}`);
        this.events.emit("message", envelope);
        return;
      }
      case "hello": {
        const hello = parsed as HelloFrame;
        if (wire.enabled) wire.emit("in", "event", bytes, "computed", `hello cursor=${hello.cursor}`);
        this.events.emit("sync", { cursor: hello.cursor });
        this.events.emit("open", { cursor: hello.cursor });
        return;
      }
      case "reset": {
        const reset = parsed as { reason: ResetReason; cursor: string };
        if (wire.enabled)
          wire.emit("in", "event", bytes, "computed", `reset ${reset.reason} → ${reset.cursor}`);
        this.events.emit("reset", { reason: reset.reason, cursor: reset.cursor });
        return;
      }
      default:
        if (wire.enabled) wire.emit("in", "event", bytes, "computed", `event ${type}`);
    }
  }
}

/** Creates the SSE transport. */
export const sse: TransportFactory = (ctx) => new SseTransport(ctx);
