import { createHmac, randomBytes } from "node:crypto";
import { type ChannelInfo, DEFAULT_CHANNEL } from "@transport-lab/protocol";
import { Channel, type Connection, type CutReason, checkChannelName } from "./channel.ts";
import { createMemoryChannelLog, type LogState } from "./channel-log.ts";
import type { ServerOptions } from "./config.ts";
import { ApiError } from "./errors.ts";
import type { LogEntry } from "./log-entry.ts";
import type { ServerCounters } from "./server-metrics.ts";

/** +1 / −1 on a per-address count, forgetting addresses that reach 0. */
function bump(map: Map<string, number>, key: string, by: 1 | -1): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/**
 * All channels of one server, with the accounting that keeps one client from
 * using up the server: connections (total and per address), channels (total
 * and per creating address) and retained bytes (per channel in each log, for
 * all channels here).
 *
 * A channel that nothing uses (no message, connection or generator) is removed
 * as soon as that is so, and its epoch is derived from its name with a
 * per-process secret: a channel removed empty and made again has the same
 * epoch and seq 0, so no client can tell it was gone.
 */
export class Hub {
  readonly #channels = new Map<string, Channel>();
  readonly #heldBy = new Map<string, number>();
  readonly #createdBy = new Map<string, number>();
  readonly #epochSecret = randomBytes(16);
  /** Connections already cut and still closing (a WebSocket detaches only at its `close`). */
  readonly #cutAlready = new WeakSet<Connection>();
  #connections = 0;
  #retainedBytes = 0;
  #shuttingDown = false;
  #trimming = false;

  constructor(
    readonly options: ServerOptions,
    readonly counters: ServerCounters,
  ) {
    this.obtain(DEFAULT_CHANNEL, undefined);
  }

  /** The channel if it exists; `undefined` for a name that is not valid too. */
  find(name: string): Channel | undefined {
    return this.#channels.get(name);
  }

  /** The state of a channel that does not exist: what it will start from when made. */
  emptyState(name: string): LogState {
    return { epoch: this.#epochFor(name), seq: 0, oldestSeq: 1, bytes: 0 };
  }

  /** `GET /api/channels/:ch`: the channel's info, or that of the empty channel `name` would start as. */
  infoOf(name: string): ChannelInfo {
    const channel = this.#channels.get(name);
    if (channel) return channel.info();
    const { epoch, seq, oldestSeq } = this.emptyState(name);
    return {
      channel: name,
      epoch,
      seq,
      oldestSeq,
      subscribers: { ws: 0, sse: 0, longPoll: 0 },
      generator: { rate: 0, payloadBytes: 64, running: false },
    };
  }

  /** The state of `name`'s log, or the empty state it would start from: a cursor resolves against either. */
  stateOf(name: string): LogState {
    return this.#channels.get(name)?.log.state() ?? this.emptyState(name);
  }

  /** The channel, created on first use by `address`; 400 on a bad name, 503 past the channel limits. */
  obtain(name: string, address: string | undefined): Channel {
    const existing = this.#channels.get(checkChannelName(name));
    if (existing) {
      existing.lastActivity = performance.now();
      return existing;
    }
    const { maxChannels, maxChannelsPerAddress } = this.options;
    if (this.#channels.size >= maxChannels) {
      throw new ApiError(503, "channel_limit", `channel limit of ${maxChannels} reached`);
    }
    if (address !== undefined && (this.#createdBy.get(address) ?? 0) >= maxChannelsPerAddress) {
      throw new ApiError(
        503,
        "channel_limit",
        `this address has created ${maxChannelsPerAddress} channels (MAX_CHANNELS_PER_ADDRESS)`,
      );
    }
    const log = createMemoryChannelLog({
      channel: name,
      historySize: this.options.historySize,
      maxBytes: this.options.maxChannelBytes,
      epoch: this.#epochFor(name),
    });
    const channel = new Channel(log, address, this.options.generatorIdleMs, (dataJson) => {
      this.counters.publishes.generator += 1;
      this.append(channel, dataJson).catch((err: unknown) =>
        console.error(`[${name}] generated message lost`, err),
      );
    });
    this.#channels.set(name, channel);
    if (address !== undefined) bump(this.#createdBy, address, 1);
    return channel;
  }

  /** Removes `channel` if nothing uses it (see {@link Channel.unused}); `chat` stays. */
  release(channel: Channel): void {
    if (channel.name === DEFAULT_CHANNEL || !channel.unused) return;
    if (this.#channels.get(channel.name) !== channel) return;
    this.#channels.delete(channel.name);
    if (channel.creator !== undefined) bump(this.#createdBy, channel.creator, -1);
  }

  /** Removes every unused channel (those a request made and left, e.g. a generator set to 0). */
  sweep(): void {
    for (const channel of [...this.#channels.values()]) this.release(channel);
  }

  /** Appends to `channel`'s log, then keeps all channels together within `maxRetainedBytes`. */
  async append(channel: Channel, dataJson: string): Promise<LogEntry> {
    channel.appending += 1;
    try {
      const entry = await channel.log.append(dataJson);
      this.#recount(channel);
      if (this.#retainedBytes > this.options.maxRetainedBytes) await this.#trimLargest();
      return entry;
    } finally {
      channel.appending -= 1;
    }
  }

  /** Bytes retained by all channels together. */
  get retainedBytes(): number {
    return this.#retainedBytes;
  }

  list(): Channel[] {
    return [...this.#channels.values()];
  }

  /** True once {@link shutDown} was called. */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** From now on new held connections are refused with 503 `shutting_down`. */
  shutDown(): void {
    this.#shuttingDown = true;
  }

  /** Throws 503 when `address` may hold no further connection. */
  checkCapacity(address: string): void {
    if (this.#shuttingDown) throw new ApiError(503, "shutting_down", "server is shutting down");
    const { maxConnections, maxConnectionsPerAddress } = this.options;
    if (this.#connections >= maxConnections) {
      throw new ApiError(503, "connection_limit", `connection limit of ${maxConnections} reached`);
    }
    if ((this.#heldBy.get(address) ?? 0) >= maxConnectionsPerAddress) {
      throw new ApiError(
        503,
        "connection_limit",
        `this address holds ${maxConnectionsPerAddress} connections (MAX_CONNECTIONS_PER_ADDRESS)`,
      );
    }
  }

  /** Registers a held connection on `channel`. */
  attach(channel: Channel, conn: Connection): void {
    channel.connections.add(conn);
    channel.counts[conn.transport] += 1;
    this.counters.transports[conn.transport].connections += 1;
    this.#connections += 1;
    bump(this.#heldBy, conn.address, 1);
  }

  /** Unregisters a held connection (idempotent); a channel left unused goes away. */
  detach(channel: Channel, conn: Connection): void {
    if (!channel.connections.delete(conn)) return;
    channel.counts[conn.transport] -= 1;
    this.counters.transports[conn.transport].connections -= 1;
    this.#connections -= 1;
    bump(this.#heldBy, conn.address, -1);
    channel.lastActivity = performance.now();
    this.release(channel);
  }

  /**
   * Cuts every held connection of `channel` (or of all channels); returns how many. A connection
   * cut before and still closing is neither cut nor counted again: two disconnects in a row count
   * each connection once.
   */
  cut(reason: CutReason, channel?: Channel): number {
    let n = 0;
    for (const ch of channel ? [channel] : [...this.#channels.values()]) {
      for (const conn of [...ch.connections]) {
        if (this.#cutAlready.has(conn)) continue;
        this.#cutAlready.add(conn);
        conn.cut(reason);
        n += 1;
      }
    }
    return n;
  }

  get connectionCount(): number {
    return this.#connections;
  }

  /** Held connections of one address. */
  connectionsOf(address: string): number {
    return this.#heldBy.get(address) ?? 0;
  }

  stopGenerators(): void {
    for (const ch of this.#channels.values()) ch.generator.stop();
  }

  #epochFor(name: string): string {
    return createHmac("sha256", this.#epochSecret).update(name).digest("base64url").slice(0, 12);
  }

  #recount(channel: Channel): void {
    const bytes = channel.log.state().bytes;
    this.#retainedBytes += bytes - channel.countedBytes;
    channel.countedBytes = bytes;
  }

  /**
   * Over the server's budget: the channel holding the most gives up its oldest messages, so a
   * client flooding its own channels evicts its own history first. One pass at a time.
   */
  async #trimLargest(): Promise<void> {
    if (this.#trimming) return;
    this.#trimming = true;
    try {
      while (this.#retainedBytes > this.options.maxRetainedBytes) {
        let largest: Channel | undefined;
        for (const ch of this.#channels.values()) {
          if (!largest || ch.countedBytes > largest.countedBytes) largest = ch;
        }
        if (!largest) return;
        const excess = this.#retainedBytes - this.options.maxRetainedBytes;
        const freed = await largest.log.trim(Math.max(0, largest.countedBytes - excess));
        this.#recount(largest);
        if (freed === 0) return; // only newest entries left: nothing more to give
      }
    } finally {
      this.#trimming = false;
    }
  }
}
