import type { GeneratorState, HeldCounts, InstanceMetrics } from "@transport-lab/protocol";
import type { Channel, ChannelGenerator } from "./channel.ts";
import type { ChannelLog, LogState } from "./channel-log.ts";

/**
 * What the hub needs of a store whose channels several server instances share (Redis:
 * `redis/redis-cluster.ts`). Without one, a hub keeps its channels in this process alone.
 */
export interface Cluster {
  readonly instanceId: string;
  /** The log of a channel this instance keeps; `onEpoch` runs when that log begins a new epoch. */
  openLog(name: string, onEpoch: () => void): ChannelLog;
  /** A handle to read a channel this instance does not keep (a poll creates no channel). */
  peekLog(name: string): ChannelLog;
  /** The state of a channel with no log yet: the epoch its first message will have. */
  emptyState(name: string): LogState;
  /**
   * Counts `name` against the channel limits of all instances (503 `channel_limit`) unless it
   * exists already, and holds it for this instance. `force` skips the limits (a takeover).
   */
  hold(name: string, creator: string | undefined, force?: boolean): Promise<void>;
  /** This instance no longer uses `name`; the channel goes when nobody does and it has no message. */
  release(name: string): void;
  /** Every channel of every instance. */
  channelNames(): Promise<string[]>;
  /** Channels of every instance, as last counted (about once a second). */
  readonly channelCount: number;
  /** Retained bytes of every channel together, as last counted. */
  readonly retainedBytes: number;
  /** The other live instances' held connections of `name`. */
  subscribersElsewhere(name: string): { id: string; subscribers: HeldCounts }[];
  /** True when another instance has a client on `name` (held, or a request in the last seconds). */
  activeElsewhere(name: string): boolean;
  /** Every live instance as it last reported itself. */
  instances(): InstanceMetrics[];
  /** Cuts `name`'s connections on every instance; resolves with how many were cut. */
  disconnect(name: string): Promise<number>;
  /** Takes one token of `address`'s publish budget, which all instances share. */
  takePublish(address: string): Promise<boolean>;
  /** The generator of `channel`, run by whichever instance holds its lease. */
  generatorFor(channel: Channel, publish: PublishGenerated): ChannelGenerator;
  /** The generator of `name` as the store has it (whichever instance runs it). */
  generatorState(name: string): Promise<GeneratorState>;
  /** Whether messages get through the store now (what /healthz reports). */
  delivering(): { ok: true } | { ok: false; reason: string };
  close(): Promise<void>;
}

/** Appends one generated message; `lease` limits it to the lease holder. */
export type PublishGenerated = (dataJson: string, lease: string) => Promise<unknown>;

/** What a cluster asks of the hub it serves. */
export interface ClusterHost {
  /** The channels this instance keeps, with the address that created each. */
  localChannels(): readonly Channel[];
  /** Cuts this instance's connections of `name`; returns how many. */
  cutLocal(name: string): number;
  /** This instance took over `name`'s generator from one that died: run it on from `elapsedMs`. */
  takeOver(name: string, resume: (channel: Channel) => void): Promise<void>;
}
