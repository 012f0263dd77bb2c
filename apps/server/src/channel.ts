import { type ChannelInfo, isValidChannelName } from "@transport-lab/protocol";
import type { ChannelLog } from "./channel-log.ts";
import { ApiError } from "./errors.ts";
import { createGenerator, type Generator } from "./generator.ts";

/** Transports that hold a connection open. */
export type HeldTransport = "ws" | "sse" | "longPoll";

/** Why a held connection is being cut. */
export type CutReason = "disconnect" | "shutdown";

/** A held connection (WebSocket, SSE stream, waiting long-poll) the hub can cut. */
export interface Connection {
  readonly transport: HeldTransport;
  /** The client address it counts against (`MAX_CONNECTIONS_PER_ADDRESS`). */
  readonly address: string;
  /** Ends the connection as docs/protocol.md §11 says for `disconnect` (a network fault) or `shutdown`. */
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

/** One channel: its log, its open connections and its generator. */
export class Channel {
  readonly connections = new Set<Connection>();
  readonly counts: Record<HeldTransport, number> = { ws: 0, sse: 0, longPoll: 0 };
  readonly generator: Generator;
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
    generatorIdleMs: number,
    publish: (dataJson: string) => void,
  ) {
    this.generator = createGenerator({
      channel: log.channel,
      publish,
      hasClients: () => this.connections.size > 0 || performance.now() - this.lastActivity < 5000,
      idleMs: generatorIdleMs,
    });
  }

  get name(): string {
    return this.log.channel;
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

  /** `GET /api/channels/:ch`. */
  info(): ChannelInfo {
    const { epoch, seq, oldestSeq } = this.log.state();
    const g = this.generator.state();
    return {
      channel: this.name,
      epoch,
      seq,
      oldestSeq,
      subscribers: { ...this.counts },
      generator: { rate: g.rate, payloadBytes: g.payloadBytes, running: g.running },
    };
  }
}
