import type { ChannelLog, LogState, LogSubscriber } from "../channel-log.ts";
import { LogEntry } from "../log-entry.ts";
import { REMEMBER_FACTOR } from "./epochs.ts";
import { type ChannelKeys, channelKeys } from "./keys.ts";
import { APPEND_LUA, KEEP_ALIVE_LUA, READ_LUA, TRIM_LUA } from "./log-scripts.ts";
import type { RedisConnection } from "./redis-connection.ts";
import { luaScript, storeUnavailable } from "./run-script.ts";

const APPEND = luaScript(APPEND_LUA);
const READ = luaScript(READ_LUA);
const TRIM = luaScript(TRIM_LUA);
const KEEP_ALIVE = luaScript(KEEP_ALIVE_LUA);

/** Bytes one catch-up read brings at most (it reads again until it reaches the head). */
const CATCH_UP_BYTES = 8 * 1024 * 1024;
/** Pub/sub messages held while a catch-up read runs; past it they are dropped and read from the stream instead. */
const MAX_QUEUED = 10_000;
/** How long a log reuses the start epoch it computed (an HMAC per append was 7 % of the server's CPU). */
export const START_EPOCH_REUSE_MS = 1000;

/** What the logs of one instance share. */
export interface RedisLogContext {
  readonly connection: RedisConnection;
  readonly historySize: number;
  readonly maxChannelBytes: number;
  /** A channel not appended to for this long loses its messages (`CHANNEL_IDLE_MS`). */
  readonly channelIdleMs: number;
  /** The state of a channel Redis has no log of: the epoch its first append will give it. */
  emptyState(channel: string): LogState;
  /** The instance may append now (false between a reconnect and re-reading the data set's secret). */
  writable(): boolean;
  /** This instance appended to `log` (the cluster-wide byte budget counts its new size). */
  retainedChanged(log: RedisChannelLog): void;
  now(): number;
}

/** The generator's append lost its lease: another instance runs the generator now, or it was stopped. */
export class LeaseLost extends Error {}

type Reply = [number, string, number, number, number];

/**
 * A channel's log in Redis Streams, shared by every instance (the design is in
 * docs/architecture.md, "Scale-out"). Appends run one script that numbers the message, adds it
 * to the stream, trims by count and bytes and publishes it. Local subscribers are fed from the
 * channel's pub/sub, subscribed only while there are any: each entry is handed over once, in
 * seq order; a gap, a resubscribe or a Redis reconnect reads the missing range from the stream
 * first (subscribe, then read, then merge by seq).
 *
 * A new epoch seen in Redis (its data was lost) calls `onEpoch`, which cuts the channel's
 * connections on this instance: they come back with their cursors and get an `epoch` reset.
 */
export class RedisChannelLog implements ChannelLog {
  readonly keys: ChannelKeys;
  #state: LogState;
  #version = 0;
  readonly #subscribers = new Set<LogSubscriber>();
  /** Last seq handed to the subscribers (meaningful while subscribed). */
  #delivered = 0;
  #subscribed = false;
  /** Redis has answered this log once: a log made for a read takes its epoch from that answer. */
  #known = false;
  #start = { epoch: "", at: Number.NEGATIVE_INFINITY };
  #catchingUp = false;
  #again = false;
  #queue: LogEntry[] = [];

  constructor(
    readonly channel: string,
    readonly ctx: RedisLogContext,
    readonly onEpoch: (log: RedisChannelLog) => void = () => {},
  ) {
    this.keys = channelKeys(channel);
    this.#state = ctx.emptyState(channel);
  }

  /** Increases with every change to the retained entries (append or trim). */
  get version(): number {
    return this.#version;
  }

  state(): LogState {
    return this.#state;
  }

  async head(): Promise<LogState> {
    await this.#read(this.#state.seq, 0, 0);
    return this.#state;
  }

  delivered(): number {
    return this.#subscribed ? this.#delivered : this.#state.seq;
  }

  /** Appends; with `lease`, only while that generator lease holds (else {@link LeaseLost}). */
  async append(dataJson: string, lease = ""): Promise<LogEntry> {
    const { ctx, keys, channel } = this;
    if (!ctx.writable()) throw storeUnavailable("reconnecting");
    const time = ctx.now();
    const reply = (await ctx.connection.run(
      APPEND,
      [keys.meta, keys.stream, keys.generator],
      [
        channel,
        dataJson,
        String(time),
        String(ctx.historySize),
        String(ctx.maxChannelBytes),
        this.#startEpoch(),
        keys.pubsub,
        lease,
        String(ctx.channelIdleMs),
        String(ctx.channelIdleMs * REMEMBER_FACTOR),
      ],
    )) as Reply | [0];
    if (reply[0] === 0) throw new LeaseLost(`generator lease of ${channel} lost`);
    const [seq, epoch, oldest, bytes, version] = reply as Reply;
    this.#observe(epoch, seq, oldest, bytes, version);
    // The instance that appended reports the channel's new size; the others only follow it.
    ctx.retainedChanged(this);
    const entry = new LogEntry(channel, epoch, seq, time, dataJson);
    // In order and nothing being caught up: local subscribers need not wait for the pub/sub echo.
    if (this.#subscribed && !this.#catchingUp && seq === this.#delivered + 1) this.#deliver(entry);
    return entry;
  }

  /**
   * The epoch the append script begins a log in if Redis has none: the one this log's clients were
   * told while it is empty (they hold `…:0` cursors of it), else (it ended: expired) the epoch of
   * now, computed at most once per {@link START_EPOCH_REUSE_MS}.
   */
  #startEpoch(): string {
    if (this.#state.seq === 0) return this.#state.epoch;
    const now = performance.now();
    if (now - this.#start.at > START_EPOCH_REUSE_MS)
      this.#start = { epoch: this.ctx.emptyState(this.channel).epoch, at: now };
    return this.#start.epoch;
  }

  async readAfter(afterSeq: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<LogEntry[]> {
    return this.#read(afterSeq, Math.min(limit, this.ctx.historySize), maxBytes);
  }

  async trim(maxBytes: number): Promise<number> {
    const [version, bytes, freed, oldest] = (await this.ctx.connection.run(
      TRIM,
      [this.keys.meta, this.keys.stream],
      [String(maxBytes), String(this.channel.length)],
    )) as [number, number, number, number];
    if (version > this.#version) {
      this.#version = version;
      this.#state = { ...this.#state, oldestSeq: Math.max(oldest, this.#state.oldestSeq), bytes };
    }
    return freed;
  }

  /** Renews the expiry of this channel's keys, as an append does (`redis/log-keeper.ts`). */
  async keepAlive(): Promise<void> {
    const idle = this.ctx.channelIdleMs;
    await this.ctx.connection.run(
      KEEP_ALIVE,
      [this.keys.meta, this.keys.stream],
      [String(idle), String(idle * REMEMBER_FACTOR)],
    );
  }

  subscribe(subscriber: LogSubscriber): void {
    this.#subscribers.add(subscriber);
    if (this.#subscribed) return;
    this.#subscribed = true;
    this.#delivered = this.#state.seq;
    this.#queue = [];
    this.ctx.connection.subscriber.subscribe(this.keys.pubsub, this.#onMessage).then(
      () => this.catchUp(),
      // Offline: node-redis subscribes when it is back, and the reconnect catches up.
      () => {},
    );
  }

  unsubscribe(subscriber: LogSubscriber): void {
    if (!this.#subscribers.delete(subscriber) || this.#subscribers.size > 0 || !this.#subscribed) return;
    this.#subscribed = false;
    this.#queue = [];
    this.ctx.connection.subscriber.unsubscribe(this.keys.pubsub, this.#onMessage).catch(() => {});
  }

  /** True while local subscribers are fed from pub/sub. */
  get subscribed(): boolean {
    return this.#subscribed;
  }

  /**
   * Reads what the subscribers have not had yet, up to the head, then what pub/sub brought
   * meanwhile; runs again while a gap remains. Called after subscribing, on a gap, and after a
   * Redis reconnect.
   */
  catchUp(): void {
    if (!this.#subscribed) return;
    if (this.#catchingUp) {
      this.#again = true;
      return;
    }
    this.#catchingUp = true;
    this.#runCatchUp()
      .catch(() => {
        // Redis is unreachable: the reconnect calls catchUp() again.
      })
      .finally(() => {
        this.#catchingUp = false;
      });
  }

  async #runCatchUp(): Promise<void> {
    for (let round = 0; round < 1000 && this.#subscribed; round++) {
      this.#again = false;
      const entries = await this.#read(this.#delivered, this.ctx.historySize, CATCH_UP_BYTES);
      if (!this.#subscribed) return;
      for (const entry of entries) if (entry.seq > this.#delivered) this.#deliver(entry);
      const queued = this.#queue.sort((a, b) => a.seq - b.seq);
      let i = 0;
      for (; i < queued.length; i++) {
        const entry = queued[i] as LogEntry;
        if (entry.seq > this.#delivered + 1) break;
        if (entry.seq === this.#delivered + 1) this.#deliver(entry);
      }
      this.#queue = queued.slice(i);
      if (this.#queue.length === 0 && !this.#again && this.#delivered >= this.#state.seq) return;
    }
  }

  /** A message from the channel's pub/sub: `<seq> <oldest> <bytes> <version> <epoch> <time>\n<data>`. */
  readonly #onMessage = (message: string): void => {
    const nl = message.indexOf("\n");
    const [seqText, oldest, bytes, version, epoch, time] = message.slice(0, nl).split(" ");
    const seq = Number(seqText);
    if (epoch !== this.#state.epoch) {
      this.catchUp(); // a read settles which epoch is current
      return;
    }
    this.#observe(epoch, seq, Number(oldest), Number(bytes), Number(version));
    if (!this.#subscribed || seq <= this.#delivered) return;
    const entry = new LogEntry(this.channel, epoch, seq, Number(time), message.slice(nl + 1));
    if (!this.#catchingUp && seq === this.#delivered + 1) {
      this.#deliver(entry);
      return;
    }
    if (this.#queue.length < MAX_QUEUED) this.#queue.push(entry);
    this.catchUp();
  };

  async #read(afterSeq: number, count: number, maxBytes: number): Promise<LogEntry[]> {
    const budget = Number.isFinite(maxBytes) ? String(maxBytes) : "1e18";
    const [known, epochBefore] = [this.#known, this.#state.epoch];
    const reply = (await this.ctx.connection.run(
      READ,
      [this.keys.meta, this.keys.stream],
      [String(afterSeq), String(count), budget, String(this.channel.length)],
    )) as (string | number)[];
    const epoch = reply[0] as string;
    if (epoch === "") {
      this.#known = true;
      this.#observeAbsent();
      return [];
    }
    const [, seq, oldest, bytes, version] = reply as [string, number, number, number, number];
    this.#observe(epoch, seq, oldest, bytes, version);
    // Entries of an epoch other than the one the caller resolved its cursor against are not its.
    if (known && epoch !== epochBefore) return [];
    const entries: LogEntry[] = [];
    for (let i = 5; i + 2 < reply.length; i += 3) {
      const id = reply[i] as string;
      const entrySeq = Number(id.slice(0, id.indexOf("-")));
      entries.push(new LogEntry(this.channel, epoch, entrySeq, Number(reply[i + 1]), reply[i + 2] as string));
    }
    return entries;
  }

  /** Takes in what Redis said of the head; a different epoch means Redis began the log anew. */
  #observe(epoch: string, seq: number, oldest: number, bytes: number, version: number): void {
    const state = this.#state;
    if (!this.#known) {
      // Made just now (emptyState is only a guess of the epoch): nothing here followed another epoch.
      this.#known = true;
      this.#state = { epoch, seq, oldestSeq: oldest, bytes };
      this.#version = version;
      return;
    }
    if (epoch !== state.epoch) {
      this.#newEpoch({ epoch, seq, oldestSeq: oldest, bytes }, version);
      return;
    }
    const changed = version > this.#version;
    if (!changed && seq <= state.seq) return;
    if (changed) this.#version = version;
    this.#state = {
      epoch,
      seq: Math.max(seq, state.seq),
      oldestSeq: changed ? oldest : state.oldestSeq,
      bytes: changed ? bytes : state.bytes,
    };
  }

  /**
   * Redis has no log of this channel: what this instance knew is gone if it had messages (the
   * log expired). One still empty keeps the epoch its clients were told.
   */
  #observeAbsent(): void {
    if (this.#state.seq > 0) this.#newEpoch(this.ctx.emptyState(this.channel), 0);
  }

  /**
   * The log this instance followed has ended: its subscribers are dropped (nothing of the new
   * epoch reaches them) and `onEpoch` cuts their connections.
   */
  #newEpoch(state: LogState, version: number): void {
    this.#state = state;
    this.#version = version;
    this.#start.at = Number.NEGATIVE_INFINITY;
    this.#delivered = state.seq;
    this.#queue = [];
    for (const subscriber of [...this.#subscribers]) this.unsubscribe(subscriber);
    this.onEpoch(this);
    this.ctx.retainedChanged(this);
  }

  /** Resets the known state to a new data set's empty state (the data set's secret changed). */
  dataSetChanged(): void {
    this.#newEpoch(this.ctx.emptyState(this.channel), 0);
  }

  #deliver(entry: LogEntry): void {
    this.#delivered = entry.seq;
    for (const subscriber of this.#subscribers) {
      try {
        subscriber.receive(entry);
      } catch (err) {
        console.error(`[${this.channel}] subscriber failed`, err);
      }
    }
  }
}
