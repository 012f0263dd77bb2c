import { createHmac, randomBytes } from "node:crypto";
import { type ChannelInfo, DEFAULT_CHANNEL } from "@transport-lab/protocol";
import { bump } from "./bump.ts";
import {
  Channel,
  type ChannelGenerator,
  type Connection,
  type CutReason,
  checkChannelName,
} from "./channel.ts";
import { channelInfo } from "./channel-info.ts";
import { type ChannelLog, createMemoryChannelLog, type LogState } from "./channel-log.ts";
import type { Cluster, ClusterHost } from "./cluster.ts";
import type { ServerOptions } from "./config.ts";
import { ApiError } from "./errors.ts";
import { createGenerator } from "./generator.ts";
import type { LogEntry } from "./log-entry.ts";
import { createRetention, type Retention } from "./retention.ts";
import type { ServerCounters } from "./server-metrics.ts";

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
 *
 * With a {@link Cluster} (Redis), the logs, the channel limits, the retained-bytes budget and the
 * generators are shared by every instance; connections and their limits stay per instance.
 */
export class Hub implements ClusterHost {
  readonly #channels = new Map<string, Channel>();
  /** Channels being made: two requests for a new name wait for one channel. */
  readonly #obtaining = new Map<string, Promise<Channel>>();
  readonly #heldBy = new Map<string, number>();
  readonly #createdBy = new Map<string, number>();
  readonly #epochSecret = randomBytes(16);
  /** Connections already cut and still closing (a WebSocket detaches only at its `close`). */
  readonly #cutAlready = new WeakSet<Connection>();
  readonly #retention: Retention;
  #connections = 0;
  #shuttingDown = false;

  constructor(
    readonly options: ServerOptions,
    readonly counters: ServerCounters,
    readonly cluster?: Cluster,
  ) {
    this.#retention = createRetention(options.maxRetainedBytes, () => this.#channels.values());
    this.obtain(DEFAULT_CHANNEL, undefined).catch((err: unknown) =>
      console.error(`[${DEFAULT_CHANNEL}] cannot be made`, err),
    );
  }

  /** The channel if this instance has it; `undefined` for a name that is not valid too. */
  find(name: string): Channel | undefined {
    return this.#channels.get(name);
  }

  /** The state of a channel that does not exist: what it will start from when made. */
  emptyState(name: string): LogState {
    if (this.cluster) return this.cluster.emptyState(name);
    return { epoch: this.#epochFor(name), seq: 0, oldestSeq: 1, bytes: 0 };
  }

  /** The log to read `name` from: this instance's, a read handle of the shared store, or none. */
  logOf(name: string): ChannelLog | undefined {
    return this.#channels.get(name)?.log ?? this.cluster?.peekLog(name);
  }

  /** The head of `name` as its store has it now (the empty state of a channel that does not exist). */
  async headOf(name: string): Promise<LogState> {
    const log = this.logOf(name);
    return log ? log.head() : this.emptyState(name);
  }

  /** `GET /api/channels/:ch`: the channel's info, or that of the empty channel `name` would start as. */
  infoOf(name: string): Promise<ChannelInfo> {
    return channelInfo(this, name);
  }

  /** `GET /api/channels`: every channel (of every instance, with a cluster). */
  async infos(): Promise<ChannelInfo[]> {
    if (!this.cluster) return this.list().map((ch) => ch.info());
    const names = await this.cluster.channelNames();
    return Promise.all(names.sort().map((name) => this.infoOf(name)));
  }

  /** The channel, created on first use by `address`; 400 on a bad name, 503 past the channel limits. */
  obtain(name: string, address: string | undefined, force = false): Promise<Channel> {
    try {
      return this.#obtain(name, address, force);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * The channel a connection of `address` is to be held on ({@link obtain}), with the capacity
   * checked again once it is there: other connections of the address may have opened while it
   * was obtained. A channel obtained for a connection that is then refused, or whose client left
   * meanwhile (`gone`), is released ({@link releaseSoon}), so that refused connections leave no
   * channel counted against their address; resolves undefined when the client is gone.
   */
  async obtainHeld(name: string, address: string, gone: () => boolean): Promise<Channel | undefined> {
    const channel = await this.obtain(name, address);
    try {
      this.checkCapacity(address);
    } catch (err) {
      this.releaseSoon(channel);
      throw err;
    }
    if (!gone()) return channel;
    this.releaseSoon(channel);
    return undefined;
  }

  /**
   * {@link release} once the current turn of the event loop is over. Another connection may have
   * obtained the same new channel and not attached yet: between obtaining and attaching every
   * transport runs only microtasks and `process.nextTick`, so by then it has attached and keeps
   * the channel; released at once, the channel would leave the map and that connection would
   * be held on a channel nothing publishes to.
   */
  releaseSoon(channel: Channel): void {
    setImmediate(() => this.release(channel));
  }

  #obtain(name: string, address: string | undefined, force: boolean): Promise<Channel> {
    const existing = this.#channels.get(checkChannelName(name));
    if (existing) {
      existing.lastActivity = performance.now();
      return Promise.resolve(existing);
    }
    const pending = this.#obtaining.get(name);
    if (pending) return pending;
    if (!this.cluster) {
      this.#checkChannelLimits(address);
      return Promise.resolve(this.#make(name, address));
    }
    const { cluster } = this;
    const made = (async () => {
      await cluster.hold(name, address, force);
      try {
        // Its head is read before the channel is in the map: nothing sees it with a state it never had.
        const log = cluster.openLog(name, () => this.cut("epoch", this.#channels.get(name)));
        await log.head();
        return this.#channels.get(name) ?? this.#make(name, address, log);
      } catch (err) {
        if (!this.#channels.has(name)) cluster.release(name);
        throw err;
      }
    })().finally(() => this.#obtaining.delete(name));
    this.#obtaining.set(name, made);
    return made;
  }

  #checkChannelLimits(address: string | undefined): void {
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
  }

  #make(name: string, address: string | undefined, shared?: ChannelLog): Channel {
    const { cluster, options } = this;
    const log =
      shared ??
      createMemoryChannelLog({
        channel: name,
        historySize: options.historySize,
        maxBytes: options.maxChannelBytes,
        epoch: this.#epochFor(name),
      });
    const generator = (channel: Channel): ChannelGenerator =>
      cluster
        ? cluster.generatorFor(channel, (dataJson, lease) => this.#generated(channel, dataJson, lease))
        : createGenerator({
            channel: name,
            publish: (dataJson) => {
              this.#generated(channel, dataJson, "").catch((err: unknown) =>
                console.error(`[${name}] generated message lost`, err),
              );
            },
            hasClients: () => channel.hasLocalClients(),
            idleMs: options.generatorIdleMs,
          });
    const channel = new Channel(log, address, generator);
    this.#channels.set(name, channel);
    if (address !== undefined && !cluster) bump(this.#createdBy, address, 1);
    return channel;
  }

  #generated(channel: Channel, dataJson: string, lease: string): Promise<LogEntry> {
    this.counters.publishes.generator += 1;
    return this.append(channel, dataJson, undefined, lease);
  }

  /**
   * Removes `channel` if nothing uses it (see {@link Channel.unused}); `chat` stays. With
   * `shared` and a cluster, also one with messages that nobody here has used for a while: Redis
   * keeps its log, and an instance that holds no channel lets it go idle (`CHANNEL_IDLE_MS`).
   */
  release(channel: Channel, shared = false): void {
    if (channel.name === DEFAULT_CHANNEL) return;
    const quiet =
      shared &&
      this.cluster !== undefined &&
      channel.appending === 0 &&
      !channel.hasLocalClients() &&
      !channel.generator.state().running;
    if (!channel.unused && !quiet) return;
    if (this.#channels.get(channel.name) !== channel) return;
    this.#channels.delete(channel.name);
    if (this.cluster) this.cluster.release(channel.name);
    else if (channel.creator !== undefined) bump(this.#createdBy, channel.creator, -1);
  }

  /** Removes every unused channel (those a request made and left, e.g. a generator set to 0; with a cluster, quiet ones). */
  sweep(): void {
    for (const channel of [...this.#channels.values()]) this.release(channel, true);
  }

  /**
   * Appends to `channel`'s log, then keeps all channels together within `maxRetainedBytes`.
   * `publisher`, the address of a client's publish, takes a token of the publish budget all
   * instances share (the instance's own limiter has already taken one); `lease` limits a
   * generated message to the generator's lease holder.
   */
  async append(channel: Channel, dataJson: string, publisher?: string, lease = ""): Promise<LogEntry> {
    const { cluster } = this;
    if (cluster && publisher !== undefined && !(await cluster.takePublish(publisher))) {
      this.counters.publishes.rateLimited += 1;
      throw new ApiError(
        429,
        "rate_limited",
        `publish rate limit is ${this.options.rateLimit} msg/s per client`,
      );
    }
    channel.appending += 1;
    try {
      const entry = await channel.log.append(dataJson, lease);
      if (!cluster) await this.#retention.appended(channel);
      return entry;
    } finally {
      channel.appending -= 1;
    }
  }

  /** Bytes retained by all channels together. */
  get retainedBytes(): number {
    return this.cluster ? this.cluster.retainedBytes : this.#retention.bytes;
  }

  /** Channels this instance has. */
  list(): Channel[] {
    return [...this.#channels.values()];
  }

  /** Channels of the server (of every instance, as last counted, with a cluster). */
  get channelCount(): number {
    return this.cluster ? this.cluster.channelCount : this.#channels.size;
  }

  /** {@link ClusterHost}: this instance's channels. */
  localChannels(): readonly Channel[] {
    return this.list();
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

  /** {@link ClusterHost}: cuts this instance's connections of `name` as a disconnect does. */
  cutLocal(name: string): number {
    const channel = this.#channels.get(name);
    return channel ? this.cut("disconnect", channel) : 0;
  }

  /** `POST …/disconnect`: cuts the channel's connections (on every instance, with a cluster). */
  disconnect(name: string): Promise<number> {
    return this.cluster ? this.cluster.disconnect(name) : Promise.resolve(this.cutLocal(name));
  }

  /** {@link ClusterHost}: runs `name`'s generator here from now on. */
  async takeOver(name: string, resume: (channel: Channel) => void): Promise<void> {
    resume(await this.obtain(name, undefined, true));
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
}
