import {
  type ChannelInfo,
  type GeneratorState,
  type HeldCounts,
  isValidChannelName,
} from "@transport-lab/protocol";
import type { ChannelLog } from "./channel-log.ts";
import { ApiError } from "./errors.ts";

/** Transports (and guest endpoints) that hold a connection open. */
export type HeldTransport = "ws" | "sse" | "longPoll" | "plainWs" | "socketio";

/**
 * Why a held connection is being cut: the disconnect endpoint, a server shutdown, or the
 * channel's log starting a new epoch under this instance (its shared store lost its data).
 */
export type CutReason = "disconnect" | "shutdown" | "epoch";

/** A held connection (WebSocket, SSE stream, waiting long-poll) the hub can cut. */
export interface Connection {
  readonly transport: HeldTransport;
  /** The client address it counts against (`MAX_CONNECTIONS_PER_ADDRESS`). */
  readonly address: string;
  /**
   * Ends the connection as docs/protocol.md §11 says for `disconnect` (a network fault) or
   * `shutdown`; `epoch` ends it as a disconnect would, except that a held long-poll is answered.
   */
  cut(reason: CutReason): void;
}

/** The name, or 400 `bad_channel`. */
export function checkChannelName(name: string): string {
  if (!isValidChannelName(name)) {
    throw new ApiError(
      400,
      "bad_channel",
      `channel name must match ^[a-z0-9][a-z0-9-]{0,63}$, got "${name}"`,
    );
  }
  return name;
}

/** A request in the last this many ms counts as a client of the channel (the generator stops without one). */
const RECENT_MS = 5000;

/** A channel's message generator (`generator.ts`; with several instances, `redis/generator-lease.ts`). */
export interface ChannelGenerator {
  /** Sets rate (0 stops) and payload size; with several instances, resolves once the lease is taken. */
  set(rate: number, payloadBytes: number): void | Promise<void>;
  /** Stops it here (at shutdown; with several instances another one takes it over). */
  stop(): void;
  /** As this instance runs it. */
  state(): GeneratorState;
}

/** One channel: its log, its open connections and its generator. */
export class Channel {
  readonly connections = new Set<Connection>();
  readonly counts: Record<HeldTransport, number> = { ws: 0, sse: 0, longPoll: 0, plainWs: 0, socketio: 0 };
  readonly generator: ChannelGenerator;
  /** `performance.now()` of the last request that touched the channel (polls included). */
  lastActivity = performance.now();
  /** `log.state().bytes` as the hub last counted it into its total. */
  countedBytes = 0;
  /** Appends under way (an async log may still be writing). */
  appending = 0;

  constructor(
    readonly log: ChannelLog,
    /** The address that brought the channel into being (`undefined` for `chat`). */
    readonly creator: string | undefined,
    generator: (channel: Channel) => ChannelGenerator,
  ) {
    this.generator = generator(this);
  }

  get name(): string {
    return this.log.channel;
  }

  /** A client uses the channel here: a held connection, or a request in the last few seconds. */
  hasLocalClients(): boolean {
    return this.connections.size > 0 || performance.now() - this.lastActivity < RECENT_MS;
  }

  /** Nothing depends on it: no message, no connection, no generator, no append in flight. */
  get unused(): boolean {
    return (
      this.log.state().seq === 0 &&
      this.connections.size === 0 &&
      this.appending === 0 &&
      !this.generator.state().running
    );
  }

  /**
   * The held connections in the shape `subscribers` has in every answer, which clients compare
   * exactly: plain WebSocket and Socket.IO connections are counted in the metrics only.
   */
  held(): HeldCounts {
    return { ws: this.counts.ws, sse: this.counts.sse, longPoll: this.counts.longPoll };
  }

  /** `GET /api/channels/:ch` of a channel in this process alone. */
  info(): ChannelInfo {
    const { epoch, seq, oldestSeq } = this.log.state();
    const g = this.generator.state();
    return {
      channel: this.name,
      epoch,
      seq,
      oldestSeq,
      subscribers: this.held(),
      generator: { rate: g.rate, payloadBytes: g.payloadBytes, running: g.running },
    };
  }
}
