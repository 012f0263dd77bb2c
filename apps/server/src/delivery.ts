import type { HelloFrame } from "@transport-lab/protocol";
import { type LogState, wallClock } from "./channel-log.ts";
import type { Channel } from "./hub.ts";
import type { LogEntry } from "./log-entry.ts";
import type { StartPoint } from "./resolve-cursor.ts";

/**
 * Streams a channel to one subscriber from `start`: the retained backlog,
 * then live entries, each exactly once and in order. Live entries that
 * arrive while the backlog is read are buffered and de-duplicated by seq, so
 * the switch from history to live loses and repeats nothing. `onExpired`
 * fires when the store dropped part of the requested range meanwhile.
 * Returns the unsubscribe function.
 */
export async function openDelivery(
  channel: Channel,
  start: StartPoint,
  send: (entry: LogEntry) => void,
  onExpired: (afterSeq: number) => void,
): Promise<() => void> {
  let lastSeq = start.afterSeq;
  let pending: LogEntry[] | undefined = [];
  const deliver = (entry: LogEntry) => {
    if (entry.seq <= lastSeq) return;
    lastSeq = entry.seq;
    send(entry);
  };
  const unsubscribe = channel.log.subscribe((entry) => {
    if (pending) pending.push(entry);
    else deliver(entry);
  });
  try {
    const backlog = await channel.log.readAfter(start.afterSeq, Number.MAX_SAFE_INTEGER);
    const first = backlog[0];
    if (first && first.seq > lastSeq + 1) onExpired(first.seq - 1);
    for (const entry of backlog) deliver(entry);
    for (const entry of pending) deliver(entry);
  } catch (err) {
    unsubscribe();
    throw err;
  } finally {
    pending = undefined;
  }
  return unsubscribe;
}

/** The `hello` both streaming transports send first: the head (`seq`) and where this delivery starts. */
export function helloFrame(channel: Channel, state: LogState, start: StartPoint): HelloFrame {
  return {
    type: "hello",
    channel: channel.name,
    epoch: state.epoch,
    seq: state.seq,
    cursor: start.cursor,
    time: wallClock(),
  };
}
