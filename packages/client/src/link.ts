import type { Envelope, Ref, ResetReason } from "@transport-lab/protocol";
import { Attempt } from "./attempt.ts";
import { Emitter } from "./emitter.ts";
import type { HttpResult } from "./platform.ts";
import type { ClientTransportName, TransportDrop } from "./transport.ts";
import type { TransportRecorder } from "./transport-recorder.ts";
import type { WireTap } from "./wire-tap.ts";

/** What a link tells its client, always about its current attempt. */
export interface LinkEvents {
  /** The attempt opened: the server's hello (WS, SSE) or first answer (polls) says delivery continues after `cursor`. */
  open: { readonly cursor: string };
  /** The cursor could not be honoured; delivery continues after `cursor`. */
  reset: { readonly reason: ResetReason; readonly cursor: string };
  /** One envelope, in the order the server sent it (the client's sequencer checks it). */
  message: Envelope;
  /** The attempt ended without the client asking; once per attempt, never after `stop()`. */
  close: TransportDrop;
}

/** A frame the client sent on a WebSocket, as far as the wire view and the figures care. */
export interface SentFrame {
  readonly type: "publish" | "ping";
  readonly ref: Ref;
}

/**
 * The shared layer between a client and one of its transports, the client's counterpart of the
 * server's Delivery: the transport does I/O, and everything it reads goes through the link's
 * current {@link Attempt}, which discards what belongs to an attempt that ended, decodes frames
 * and answers with `@transport-lab/protocol`, counts figures and builds wire events. The link
 * emits four events (open, reset, message, close) to the client, so the client's state machine
 * does not depend on which transport is below it.
 */
export class Link {
  readonly events = new Emitter<LinkEvents>();
  #current: Attempt | undefined;

  constructor(
    readonly transport: ClientTransportName,
    readonly recorder: TransportRecorder,
    readonly wire: WireTap,
  ) {}

  /** Starts an attempt; the one before it, if still live, ends without a close event and its late callbacks are dropped. */
  begin(): Attempt {
    this.#current?.cancel();
    const attempt = new Attempt(this);
    this.#current = attempt;
    return attempt;
  }

  /** The client stopped this transport (close, switch): the current attempt ends without a close event. */
  stop(): void {
    this.#current?.cancel();
    this.#current = undefined;
  }

  /** The live attempt, if there is one. */
  get attempt(): Attempt | undefined {
    return this.#current?.live === true ? this.#current : undefined;
  }

  /** A WebSocket frame this client sent: counted, a publish also as a publish, and shown in the wire view. */
  sent(frame: SentFrame, wireBytes: number): void {
    this.recorder.framesOut += 1;
    if (frame.type === "publish") this.recorder.metrics.recordPublish();
    if (this.wire.enabled)
      this.wire.emit("out", "frame", wireBytes, "computed", `${frame.type} ref=${frame.ref}`);
  }

  /** One HTTP request and its answer for the wire view (the platform counted both). */
  exchange(method: string, path: string, result: HttpResult, sentAt: number, summary: string): void {
    if (!this.wire.enabled) return;
    this.wire.emit("out", "request", result.requestBytes, result.sizeSource, `${method} ${path}`, sentAt);
    this.wire.emit("in", "response", result.responseBytes, result.sizeSource, summary);
  }
}
