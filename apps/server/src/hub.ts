import { type ChannelInfo, DEFAULT_CHANNEL, isValidChannelName } from "@transport-lab/protocol";
import { type ChannelLog, createMemoryChannelLog } from "./channel-log.ts";
import type { ServerOptions } from "./config.ts";
import { ApiError } from "./errors.ts";
import { createGenerator, type Generator } from "./generator.ts";
import type { ServerCounters } from "./server-metrics.ts";

/** Transports that hold a connection open. */
export type HeldTransport = "ws" | "sse" | "longPoll";

/** Why a held connection is being cut. */
export type CutReason = "disconnect" | "shutdown";

/** A held connection (WebSocket, SSE stream, waiting long-poll) the hub can cut. */
export interface Connection {
  readonly transport: HeldTransport;
  /** Ends the connection as docs/protocol.md says for `disconnect` (§11, a network fault) or `shutdown`. */
  cut(reason: CutReason): void;
}

/** One channel: its log, its open connections and its generator. */
export class Channel {
  readonly connections = new Set<Connection>();
  readonly counts: Record<HeldTransport, number> = { ws: 0, sse: 0, longPoll: 0 };
  readonly generator: Generator;
  /** `performance.now()` of the last request that touched the channel (polls included). */
  lastActivity = performance.now();

  constructor(
    readonly log: ChannelLog,
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

/** All channels of one server, plus global connection accounting. */
export class Hub {
  readonly #channels = new Map<string, Channel>();
  #connections = 0;
  shuttingDown = false;

  constructor(
    readonly options: ServerOptions,
    readonly counters: ServerCounters,
  ) {
    this.obtain(DEFAULT_CHANNEL);
  }

  /** The channel if it exists (no creation); validates the name. */
  find(name: string): Channel | undefined {
    if (!isValidChannelName(name)) {
      throw new ApiError(
        400,
        "bad_channel",
        `channel name must match ^[a-z0-9][a-z0-9-]{0,63}$, got "${name}"`,
      );
    }
    return this.#channels.get(name);
  }

  /** The channel, created on first use; 400 on a bad name, 503 past `maxChannels`. */
  obtain(name: string): Channel {
    const existing = this.find(name);
    if (existing) {
      existing.lastActivity = performance.now();
      return existing;
    }
    if (this.#channels.size >= this.options.maxChannels) {
      throw new ApiError(503, "channel_limit", `channel limit of ${this.options.maxChannels} reached`);
    }
    const log = createMemoryChannelLog({ channel: name, historySize: this.options.historySize });
    const channel = new Channel(log, this.options.generatorIdleMs, (dataJson) => {
      this.counters.publishes.generator += 1;
      log.append(dataJson).catch((err: unknown) => console.error(`[${name}] generated message lost`, err));
    });
    this.#channels.set(name, channel);
    return channel;
  }

  list(): Channel[] {
    return [...this.#channels.values()];
  }

  /** Throws 503 when no further held connection is allowed. */
  checkCapacity(): void {
    if (this.shuttingDown) throw new ApiError(503, "shutting_down", "server is shutting down");
    if (this.#connections >= this.options.maxConnections) {
      throw new ApiError(
        503,
        "connection_limit",
        `connection limit of ${this.options.maxConnections} reached`,
      );
    }
  }

  /** Registers a held connection on `channel`. */
  attach(channel: Channel, conn: Connection): void {
    channel.connections.add(conn);
    channel.counts[conn.transport] += 1;
    this.counters.transports[conn.transport].connections += 1;
    this.#connections += 1;
  }

  /** Unregisters a held connection (idempotent). */
  detach(channel: Channel, conn: Connection): void {
    if (!channel.connections.delete(conn)) return;
    channel.counts[conn.transport] -= 1;
    this.counters.transports[conn.transport].connections -= 1;
    this.#connections -= 1;
    channel.lastActivity = performance.now();
  }

  /** Cuts every held connection of `channel` (or of all channels); returns how many. */
  cut(reason: CutReason, channel?: Channel): number {
    let n = 0;
    for (const ch of channel ? [channel] : this.#channels.values()) {
      for (const conn of [...ch.connections]) {
        conn.cut(reason);
        n += 1;
      }
    }
    return n;
  }

  get connectionCount(): number {
    return this.#connections;
  }

  stopGenerators(): void {
    for (const ch of this.#channels.values()) ch.generator.stop();
  }
}
