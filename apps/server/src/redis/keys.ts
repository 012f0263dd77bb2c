/**
 * Every Redis key and pub/sub channel name the server uses. The keys of one channel share the
 * hash tag `{<channel>}`, so that a Redis Cluster keeps them on one shard and the publish script
 * may touch them together; the cluster-wide bookkeeping (channel registry, instances, retained
 * bytes) shares the tag `{reg}`. Channel names are `[a-z0-9-]`, so they never contain a brace.
 */
export const PREFIX = "tl";

/** The keys and pub/sub channel of one channel. */
export interface ChannelKeys {
  /** HASH: `e` epoch, `s` last seq, `o` oldest retained seq, `b` retained bytes, `v` version. */
  readonly meta: string;
  /** STREAM: one entry per retained message, ID `<seq>-0`, fields `t` (time) and `d` (data JSON). */
  readonly stream: string;
  /** HASH: the generator's settings and lease (`redis/generator-lease.ts`). */
  readonly generator: string;
  /** Pub/sub channel every appended entry is published on. */
  readonly pubsub: string;
}

/** The keys of `channel`. */
export function channelKeys(channel: string): ChannelKeys {
  const tag = `${PREFIX}:{${channel}}`;
  return { meta: `${tag}:m`, stream: `${tag}:s`, generator: `${tag}:g`, pubsub: `${tag}:p` };
}

const REG = `${PREFIX}:{reg}`;

/** The cluster-wide keys, all in the `{reg}` slot. */
export const REGISTRY_KEYS = {
  /** STRING: random per data set; channel epochs are derived from it (a Redis that lost its data makes a new one). */
  secret: `${REG}:secret`,
  /** HASH channel → the address that created it (`""` for none). */
  channels: `${REG}:channels`,
  /** HASH address → channels it created. */
  created: `${REG}:created`,
  /** SET of channels that have had a message: they stay while used, and for `CHANNEL_IDLE_MS` after. */
  kept: `${REG}:kept`,
  /** ZSET kept channel no instance holds → since when (Redis clock, ms). */
  unused: `${REG}:unused`,
  /** HASH channel → how many instances hold it. */
  holdCount: `${REG}:holdcount`,
  /** HASH instance id → lease expiry (Redis clock, ms). */
  instances: `${REG}:instances`,
  /** HASH instance id → its presence JSON (connections, counters). */
  info: `${REG}:info`,
  /** SET of channels with a generator set. */
  generators: `${REG}:generators`,
  /** ZSET channel → retained bytes; with `retainedVersion` and `retainedTotal` the global byte budget. */
  retainedSizes: `${REG}:rsizes`,
  /** HASH channel → the log version its retained size was counted at. */
  retainedVersion: `${REG}:rver`,
  /** STRING: retained bytes of all channels together. */
  retainedTotal: `${REG}:rtotal`,
} as const;

/** SET of the channels instance `id` holds (same slot as {@link REGISTRY_KEYS}). */
export const heldKey = (id: string) => `${REG}:held:${id}`;

/** The per-address publish rate limit shared by all instances (its own slot per address). */
export const rateKey = (address: string) => `${PREFIX}:rl:{${address}}`;

/** Pub/sub channel of cluster-wide commands (disconnect). */
export const CONTROL_CHANNEL = `${PREFIX}:ctl`;

/** Pub/sub channel of one instance: replies to it and its health probe. */
export const instanceChannel = (id: string) => `${PREFIX}:ctl:${id}`;
