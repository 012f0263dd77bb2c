import type { HeldCounts, InstanceMetrics } from "@transport-lab/protocol";
import type { Channel } from "../channel.ts";
import type { ServerCounters } from "../server-metrics.ts";
import { PRESENCE_LUA, REGISTRY_KEY_ORDER } from "./cluster-scripts.ts";
import { PREFIX, REGISTRY_KEYS } from "./keys.ts";
import type { RedisConnection } from "./redis-connection.ts";
import { luaScript } from "./run-script.ts";

const PRESENCE = luaScript(PRESENCE_LUA);
const REGISTRY = REGISTRY_KEY_ORDER.map((k) => REGISTRY_KEYS[k]);

/** Each instance reports itself this often; one silent for {@link LEASE_MS} is taken for dead. */
const HEARTBEAT_MS = 1000;
const LEASE_MS = 5000;

/** What an instance tells the others about itself. */
export interface PresenceInfo extends InstanceMetrics {
  /** Its channels with a client: held connections, and whether a client used it lately. */
  readonly channels: Record<string, HeldCounts & { readonly active: boolean }>;
}

/** This instance's heartbeat and what the others last said of themselves. */
export interface Presence {
  /** Reports once, then every second. */
  start(): Promise<void>;
  /** Every live instance, this one included (this one as it is now). */
  all(): PresenceInfo[];
  /** The other live instances. */
  others(): PresenceInfo[];
  /** Channels of all instances, as counted at the last heartbeat. */
  readonly channelCount: number;
  /** Stops reporting and lets this instance's lease run out now, so the others drop its holds at once. */
  leave(): Promise<void>;
}

/**
 * The heartbeat: every second one script renews this instance's lease, stores its presence
 * (connections per channel, counters), drops instances whose lease ran out together with their
 * channel holds, and brings back every live instance's presence.
 */
export function createPresence(
  connection: RedisConnection,
  id: string,
  counters: ServerCounters,
  localChannels: () => readonly Channel[],
  /** Each heartbeat brings the retained bytes of all channels as Redis counts them now. */
  onRetained: (bytes: number) => void,
  /** Channels nobody has used for this long leave the registry (`CHANNEL_IDLE_MS`). */
  channelIdleMs: number,
): Presence {
  const startedAt = Date.now();
  let peers: PresenceInfo[] = [];
  let channelCount = 0;
  let timer: NodeJS.Timeout | undefined;

  const own = (): PresenceInfo => {
    const channels: Record<string, HeldCounts & { active: boolean }> = {};
    for (const ch of localChannels()) {
      if (ch.hasLocalClients()) channels[ch.name] = { ...ch.held(), active: true };
    }
    return { id, startedAt, transports: counters.transports, publishes: counters.publishes, channels };
  };
  const beat = async (leaseMs = LEASE_MS) => {
    const reply = (await connection.run(PRESENCE, REGISTRY, [
      `${PREFIX}:{reg}`,
      id,
      String(leaseMs),
      JSON.stringify(own()),
      String(channelIdleMs),
    ])) as [number, number, ...string[]];
    channelCount = reply[0];
    onRetained(reply[1]);
    peers = reply.slice(2).flatMap((text) => {
      try {
        const info = JSON.parse(text as string) as PresenceInfo;
        return info.id === id ? [] : [info];
      } catch {
        return [];
      }
    });
  };
  return {
    async start() {
      await beat();
      timer = setInterval(() => beat().catch(() => {}), HEARTBEAT_MS);
      timer.unref();
    },
    all: () => [own(), ...peers].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id)),
    others: () => peers,
    get channelCount() {
      return channelCount;
    },
    async leave() {
      clearInterval(timer);
      timer = undefined;
      await beat(-1).catch(() => {});
    },
  };
}
