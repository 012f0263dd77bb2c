import { type Client, createClientWith, platform, type WireEvent } from "@transport-lab/client";
import type { MetricsSnapshot } from "@transport-lab/metrics";
import type { TransportName } from "@transport-lab/protocol";

/** The transport names of a client built with the Socket.IO entry. */
export type SocketIoLaneName = TransportName | "socketio";

/** Wire events kept for the lane's wire view: enough for the open packet, the upgrade and a run of messages. */
const WIRE_KEPT = 100;
/** Seqs shown in the lane's "last messages". */
const RECENT_KEPT = 5;

/** What the Socket.IO lane shows, rebuilt a few times a second. */
export interface SocketIoLaneView {
  /** The client's state: `connecting`, `open`, `reconnecting` or `closed`. */
  readonly state: string;
  readonly metrics: MetricsSnapshot;
  readonly cursor: string | undefined;
  /** Messages the page received on this lane. */
  readonly received: number;
  /** First and last seq received (null before the first). */
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** Times a seq was not the one after the previous: the page's own gap check, beside the client's. */
  readonly breaks: number;
  /** Newest first. */
  readonly recent: readonly number[];
  /** Oldest first. */
  readonly wire: readonly WireEvent<SocketIoLaneName>[];
}

/**
 * The page's Socket.IO lane: one client of the lab's Socket.IO endpoint, made with
 * `@transport-lab/client/socketio`, which is imported only here and only when the lane is first
 * started, so `socket.io-client` is not in the page's first bundle.
 */
export class SocketIoLane {
  #received = 0;
  #first: number | null = null;
  #last: number | null = null;
  #breaks = 0;
  readonly #recent: number[] = [];
  readonly #off: (() => void)[];

  private constructor(readonly client: Client<SocketIoLaneName>) {
    this.#off = [client.on("message", (envelope) => this.#onMessage(envelope.seq))];
  }

  /** Loads the Socket.IO entry and starts a client of `channel` from `cursor` (the page's start cursor). */
  static async start(baseUrl: string, channel: string, cursor: string | undefined): Promise<SocketIoLane> {
    const { transportsWithSocketIo } = await import("@transport-lab/client/socketio");
    const client = createClientWith(platform, transportsWithSocketIo, {
      baseUrl,
      channel,
      transport: "socketio",
      ...(cursor === undefined ? {} : { cursor }),
      wireLogSize: WIRE_KEPT,
    });
    return new SocketIoLane(client);
  }

  #onMessage(seq: number): void {
    if (this.#last !== null && seq !== this.#last + 1) this.#breaks += 1;
    this.#first ??= seq;
    this.#last = seq;
    this.#received += 1;
    this.#recent.unshift(seq);
    if (this.#recent.length > RECENT_KEPT) this.#recent.pop();
  }

  view(): SocketIoLaneView {
    const { client } = this;
    return {
      state: client.state.kind,
      metrics: client.metrics(),
      cursor: client.cursor,
      received: this.#received,
      firstSeq: this.#first,
      lastSeq: this.#last,
      breaks: this.#breaks,
      recent: [...this.#recent],
      wire: client.wireEvents(),
    };
  }

  /** Closes the client and its listeners. */
  close(): Promise<void> {
    for (const off of this.#off) off();
    return this.client.close();
  }
}
