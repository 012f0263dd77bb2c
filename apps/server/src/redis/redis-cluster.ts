import { randomBytes } from "node:crypto";
import type { GeneratorState, HeldCounts, InstanceMetrics } from "@transport-lab/protocol";
import type { Channel, ChannelGenerator } from "../channel.ts";
import { type LogState, wallClock } from "../channel-log.ts";
import type { Cluster, ClusterHost, PublishGenerated } from "../cluster.ts";
import type { ServerOptions } from "../config.ts";
import { ApiError } from "../errors.ts";
import type { ServerCounters } from "../server-metrics.ts";
import {
  GENERATOR_CLAIM_LUA,
  KEEP_LUA,
  OBTAIN_LUA,
  RATE_LUA,
  REGISTRY_KEY_ORDER,
  RELEASE_LUA,
} from "./cluster-scripts.ts";
import { emptyLogState } from "./epochs.ts";
import { createLeasedGenerator, LEASE_MS, type LeasedGenerator, newLease } from "./generator-lease.ts";
import { CONTROL_CHANNEL, channelKeys, instanceChannel, PREFIX, REGISTRY_KEYS, rateKey } from "./keys.ts";
import { createLogKeeper, type LogKeeper } from "./log-keeper.ts";
import { createPresence, type Presence } from "./presence.ts";
import { RedisChannelLog, type RedisLogContext } from "./redis-channel-log.ts";
import { connectRedis, type RedisConnection } from "./redis-connection.ts";
import { createRetainedBudget, type RetainedBudget } from "./retained-budget.ts";
import { luaScript } from "./run-script.ts";

const OBTAIN = luaScript(OBTAIN_LUA);
const RELEASE = luaScript(RELEASE_LUA);
const KEEP = luaScript(KEEP_LUA);
const CLAIM = luaScript(GENERATOR_CLAIM_LUA);
const RATE = luaScript(RATE_LUA);

const REGISTRY = REGISTRY_KEY_ORDER.map((k) => REGISTRY_KEYS[k]);
const REG_PREFIX = `${PREFIX}:{reg}`;
/** How often an instance looks for generators whose holder died. */
const TAKEOVER_MS = 1000;
/** How long a disconnect waits for the other instances to say how many they cut. */
const DISCONNECT_WAIT_MS = 1000;

/** A disconnect asked of every instance, and the answers to it. */
interface Control {
  t: "disconnect" | "cut";
  ch?: string;
  from?: string;
  req: string;
  n?: number;
}

/**
 * The {@link Cluster} of instances sharing their channels through one Redis: logs in Streams kept
 * alive while held, a registry for the channel limits and idle channels, the retained-bytes budget,
 * leased generators, disconnect, rate limits and presence. docs/architecture.md, "Scale-out".
 */
export class RedisCluster implements Cluster {
  readonly #logs = new Map<string, RedisChannelLog>();
  readonly #kept = new Set<string>();
  readonly #generators = new Map<string, LeasedGenerator>();
  readonly #waiting = new Map<string, (n: number) => void>();
  readonly #logContext: RedisLogContext;
  readonly #budget: RetainedBudget;
  readonly #presence: Presence;
  readonly #keeper: LogKeeper;
  #secret = "";
  #writable = false;
  #host: ClusterHost | undefined;
  #takeoverTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(
    readonly connection: RedisConnection,
    readonly instanceId: string,
    readonly options: ServerOptions,
    counters: ServerCounters,
  ) {
    this.#logContext = {
      connection,
      historySize: options.historySize,
      maxChannelBytes: options.maxChannelBytes,
      channelIdleMs: options.channelIdleMs,
      emptyState: (name) => this.emptyState(name),
      writable: () => this.#writable,
      retainedChanged: (log) => this.#retainedChanged(log),
      now: wallClock,
    };
    this.#keeper = createLogKeeper(() => this.#logs.values(), options.channelIdleMs);
    this.#budget = createRetainedBudget(connection, options.maxRetainedBytes, (name) => this.peekLog(name));
    this.#presence = createPresence(
      connection,
      instanceId,
      counters,
      () => this.#host?.localChannels() ?? [],
      (bytes) => this.#budget.seen(bytes),
      options.channelIdleMs,
    );
  }

  /** Connects to Redis at `url` and reads the data set's secret; serve a hub with {@link serve}. */
  static async connect(url: string, options: ServerOptions, counters: ServerCounters): Promise<RedisCluster> {
    const instanceId = randomBytes(4).toString("hex");
    const connection = await connectRedis(url, instanceId);
    const cluster = new RedisCluster(connection, instanceId, options, counters);
    await cluster.#readSecret();
    return cluster;
  }

  /** Starts serving `host`: presence heartbeat, cluster-wide commands, generator takeover. */
  async serve(host: ClusterHost): Promise<void> {
    this.#host = host;
    const { connection } = this;
    connection.onLost(() => {
      this.#writable = false;
    });
    connection.onReady(() => this.#reconnected());
    await connection.subscriber.subscribe(CONTROL_CHANNEL, (m) => this.#control(m));
    await connection.subscriber.subscribe(instanceChannel(this.instanceId), (m) => this.#control(m));
    await this.#presence.start();
    this.#takeoverTimer = setInterval(() => this.#takeOverOrphans(), TAKEOVER_MS);
    this.#takeoverTimer.unref();
  }

  /** After a reconnect: a new secret means Redis lost its data (new epochs); re-register what this instance holds. */
  async #reconnected(): Promise<void> {
    const before = this.#secret;
    await this.#readSecret();
    if (this.#secret !== before) {
      console.error("[redis] the data set is new (Redis lost its data): every channel begins a new epoch");
      this.#kept.clear();
      for (const log of this.#logs.values()) log.dataSetChanged();
    }
    for (const channel of this.#host?.localChannels() ?? [])
      await this.hold(channel.name, channel.creator, true);
    for (const log of this.#logs.values()) log.catchUp();
  }

  async #readSecret(): Promise<void> {
    const fresh = randomBytes(16).toString("base64url");
    const old = await this.connection.commands.sendCommand(["SET", REGISTRY_KEYS.secret, fresh, "NX", "GET"]);
    this.#secret = typeof old === "string" ? old : fresh;
    this.#writable = true;
  }

  emptyState(name: string): LogState {
    return emptyLogState(this.#secret, name, this.options.channelIdleMs);
  }

  openLog(name: string, onEpoch: () => void): RedisChannelLog {
    const log = new RedisChannelLog(name, this.#logContext, onEpoch);
    this.#logs.set(name, log);
    this.#keeper.keep(log);
    return log;
  }

  peekLog(name: string): RedisChannelLog {
    return this.#logs.get(name) ?? new RedisChannelLog(name, this.#logContext);
  }

  async hold(name: string, creator: string | undefined, force = false): Promise<void> {
    const { maxChannels, maxChannelsPerAddress } = this.options;
    const args = [
      REG_PREFIX,
      this.instanceId,
      name,
      creator ?? "",
      String(maxChannels),
      String(maxChannelsPerAddress),
    ];
    const held = await this.connection.run(OBTAIN, REGISTRY, [...args, force ? "1" : "0"]);
    if (held === -1) throw new ApiError(503, "channel_limit", `channel limit of ${maxChannels} reached`);
    if (held === -2) {
      throw new ApiError(
        503,
        "channel_limit",
        `this address has created ${maxChannelsPerAddress} channels (MAX_CHANNELS_PER_ADDRESS)`,
      );
    }
  }

  release(name: string): void {
    this.#logs.delete(name);
    // Marked kept again on its next message: meanwhile it may have gone idle and been removed.
    this.#kept.delete(name);
    this.#generators.delete(name);
    this.connection.run(RELEASE, REGISTRY, [REG_PREFIX, this.instanceId, name]).catch((err: unknown) => {
      if (!this.#closed) console.error(`[${name}] release failed`, err);
    });
  }

  async channelNames(): Promise<string[]> {
    return this.connection.commands.hKeys(REGISTRY_KEYS.channels);
  }

  get channelCount(): number {
    return this.#presence.channelCount;
  }

  get retainedBytes(): number {
    return this.#budget.bytes;
  }

  #retainedChanged(log: RedisChannelLog): void {
    this.#budget.changed(log);
    const name = log.channel;
    if (log.state().seq === 0 || this.#kept.has(name)) return;
    this.#kept.add(name);
    this.connection.run(KEEP, REGISTRY, [name]).catch(() => this.#kept.delete(name));
  }

  subscribersElsewhere(name: string): { id: string; subscribers: HeldCounts }[] {
    return this.#presence.others().map((p) => {
      const c = p.channels[name];
      return { id: p.id, subscribers: { ws: c?.ws ?? 0, sse: c?.sse ?? 0, longPoll: c?.longPoll ?? 0 } };
    });
  }

  activeElsewhere(name: string): boolean {
    return this.#presence.others().some((p) => p.channels[name]?.active === true);
  }

  instances(): InstanceMetrics[] {
    return this.#presence.all();
  }

  async disconnect(name: string): Promise<number> {
    const local = this.#host?.cutLocal(name) ?? 0;
    const others = this.#presence.others().length;
    if (others === 0) return local;
    const req = newLease();
    let total = local;
    let answered = 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DISCONNECT_WAIT_MS);
      this.#waiting.set(req, (n) => {
        total += n;
        answered += 1;
        if (answered < others) return;
        clearTimeout(timer);
        resolve();
      });
      const message: Control = { t: "disconnect", ch: name, from: this.instanceId, req };
      this.connection.commands.publish(CONTROL_CHANNEL, JSON.stringify(message)).catch(() => resolve());
    });
    this.#waiting.delete(req);
    return total;
  }

  #control(text: string): void {
    if (text.startsWith("probe ")) return;
    let message: Control;
    try {
      message = JSON.parse(text) as Control;
    } catch {
      return;
    }
    if (message.t === "cut") {
      this.#waiting.get(message.req)?.(message.n ?? 0);
      return;
    }
    if (message.t !== "disconnect" || message.from === this.instanceId || !message.ch || !message.from)
      return;
    const n = this.#host?.cutLocal(message.ch) ?? 0;
    const reply: Control = { t: "cut", req: message.req, n };
    this.connection.commands.publish(instanceChannel(message.from), JSON.stringify(reply)).catch(() => {});
  }

  async takePublish(address: string): Promise<boolean> {
    const { rateLimit, rateBurst } = this.options;
    if (rateLimit <= 0) return true;
    const taken = await this.connection.run(
      RATE,
      [rateKey(address)],
      [String(1000 / rateLimit), String(rateBurst)],
    );
    return taken === 1;
  }

  generatorFor(channel: Channel, publish: PublishGenerated): ChannelGenerator {
    const generator = createLeasedGenerator({
      channel: channel.name,
      connection: this.connection,
      instanceId: this.instanceId,
      idleMs: this.options.generatorIdleMs,
      hasClients: () => channel.hasLocalClients() || this.activeElsewhere(channel.name),
      publish,
    });
    this.#generators.set(channel.name, generator);
    return generator;
  }

  async generatorState(name: string): Promise<GeneratorState> {
    const [rate, bytes] = await this.connection.commands.hmGet(channelKeys(name).generator, [
      "rate",
      "bytes",
    ]);
    const running = rate !== null && rate !== undefined && Number(rate) > 0;
    return {
      channel: name,
      rate: running ? Number(rate) : 0,
      payloadBytes: bytes ? Number(bytes) : 64,
      running,
    };
  }

  /** Claims every generator whose lease ran out (its holder died or stopped) and runs it here. */
  async #takeOverOrphans(): Promise<void> {
    const host = this.#host;
    if (!host || !this.#writable || this.#closed) return;
    try {
      for (const name of await this.connection.commands.sMembers(REGISTRY_KEYS.generators)) {
        if (this.#generators.get(name)?.leased) continue;
        const lease = newLease();
        const claim = (await this.connection.run(
          CLAIM,
          [channelKeys(name).generator],
          [this.instanceId, lease, String(LEASE_MS)],
        )) as [number] | [] | [string, string, string];
        if (claim.length === 1) {
          await this.connection.commands.sRem(REGISTRY_KEYS.generators, name);
          continue;
        }
        if (claim.length === 0) continue;
        const [rate, payloadBytes, elapsed] = claim as [string, string, string];
        await host.takeOver(name, (channel) => {
          (channel.generator as LeasedGenerator).resume(
            Number(rate),
            Number(payloadBytes),
            Number(elapsed),
            lease,
          );
        });
        console.log(`[${name}] generator taken over by instance ${this.instanceId}`);
      }
    } catch (err) {
      if (!(err instanceof ApiError) && !this.#closed) console.error("[redis] generator takeover:", err);
    }
  }

  delivering(): { ok: true } | { ok: false; reason: string } {
    if (!this.#writable) return { ok: false, reason: "reconnecting to Redis" };
    return this.connection.delivering();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#takeoverTimer);
    this.#keeper.stop();
    await this.#presence.leave();
    await this.connection.close();
  }
}
