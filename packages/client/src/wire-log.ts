import type { ByteSource } from "@transport-lab/metrics";
import type { TransportName } from "@transport-lab/protocol";
import type { ClientTransportName } from "./transport.ts";

/** One thing that crossed the wire, for the UI's wire view. */
export interface WireEvent<N extends ClientTransportName = TransportName> {
  readonly transport: N;
  /** `out` = client → server. */
  readonly direction: "in" | "out";
  /**
   * HTTP request/response, WebSocket frame, SSE event (comments included), or `close`: a
   * connection ended without the client asking (size 0; the summary says why: a close code, a
   * refusal, no hello in time).
   */
  readonly kind: "request" | "response" | "frame" | "event" | "close";
  /** Bytes on the wire, headers and framing included. */
  readonly size: number;
  readonly source: ByteSource;
  /** Client wall clock (ms since 1970) when it was sent or received. */
  readonly time: number;
  /** A short human line, e.g. `GET /poll?cursor=…` or `message #42`. */
  readonly summary: string;
}

/**
 * The last `capacity` wire events in a ring buffer. Capacity 0 keeps nothing
 * (the load generator's setting: a summary string per message is not free).
 */
export class WireLog {
  readonly #buffer: (WireEvent<ClientTransportName> | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#buffer = new Array<WireEvent<ClientTransportName> | undefined>(capacity);
  }

  /** Appends one event, evicting the oldest when full. */
  push(event: WireEvent<ClientTransportName>): void {
    if (this.capacity === 0) return;
    this.#buffer[this.#next] = event;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
  }

  /** The retained events, oldest first. */
  toArray(): WireEvent<ClientTransportName>[] {
    const out: WireEvent<ClientTransportName>[] = [];
    const start = (this.#next - this.#size + this.capacity) % Math.max(this.capacity, 1);
    for (let i = 0; i < this.#size; i++) {
      const event = this.#buffer[(start + i) % this.capacity];
      if (event !== undefined) out.push(event);
    }
    return out;
  }

  /** Number of retained events. */
  get size(): number {
    return this.#size;
  }
}
