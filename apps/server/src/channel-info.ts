import type { ChannelInfo } from "@transport-lab/protocol";
import type { Hub } from "./hub.ts";

/**
 * `GET /api/channels/:ch`: the channel's info, or that of the empty channel `name` would start as.
 * With a cluster the head is read from the shared store, the generator is whichever instance runs
 * it, and `subscribers` adds up every live instance's (each listed in `instances`).
 */
export async function channelInfo(hub: Hub, name: string): Promise<ChannelInfo> {
  const channel = hub.find(name);
  const { cluster } = hub;
  if (!cluster) {
    if (channel) return channel.info();
    const { epoch, seq, oldestSeq } = hub.emptyState(name);
    return {
      channel: name,
      epoch,
      seq,
      oldestSeq,
      subscribers: { ws: 0, sse: 0, longPoll: 0 },
      generator: { rate: 0, payloadBytes: 64, running: false },
    };
  }
  const [{ epoch, seq, oldestSeq }, generator] = await Promise.all([
    hub.headOf(name),
    cluster.generatorState(name),
  ]);
  const own = {
    id: cluster.instanceId,
    subscribers: channel?.held() ?? { ws: 0, sse: 0, longPoll: 0 },
  };
  const instances = [own, ...cluster.subscribersElsewhere(name)];
  const subscribers = { ws: 0, sse: 0, longPoll: 0 };
  for (const { subscribers: s } of instances) {
    subscribers.ws += s.ws;
    subscribers.sse += s.sse;
    subscribers.longPoll += s.longPoll;
  }
  const { rate, payloadBytes, running } = generator;
  return {
    channel: name,
    epoch,
    seq,
    oldestSeq,
    subscribers,
    generator: { rate, payloadBytes, running },
    instance: cluster.instanceId,
    instances,
  };
}
