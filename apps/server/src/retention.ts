import type { Channel } from "./channel.ts";

/** The byte budget of all channels of one process together (`MAX_RETAINED_BYTES`). */
export interface Retention {
  /** Bytes retained by all channels together. */
  readonly bytes: number;
  /** Counts `channel`'s new size after an append, and trims the largest channels while over budget. */
  appended(channel: Channel): Promise<void>;
}

/**
 * Keeps the channels of this process within `maxBytes` together. Over budget, the channel holding
 * the most gives up its oldest messages, so a client flooding its own channels evicts its own
 * history first; one trimming pass at a time. (With several instances the budget is kept in
 * Redis instead: `redis/retained-budget.ts`.)
 */
export function createRetention(maxBytes: number, channels: () => Iterable<Channel>): Retention {
  let total = 0;
  let trimming = false;
  const recount = (channel: Channel) => {
    const bytes = channel.log.state().bytes;
    total += bytes - channel.countedBytes;
    channel.countedBytes = bytes;
  };
  const trimLargest = async () => {
    if (trimming) return;
    trimming = true;
    try {
      while (total > maxBytes) {
        let largest: Channel | undefined;
        for (const ch of channels()) {
          if (!largest || ch.countedBytes > largest.countedBytes) largest = ch;
        }
        if (!largest) return;
        const excess = total - maxBytes;
        const freed = await largest.log.trim(Math.max(0, largest.countedBytes - excess));
        recount(largest);
        if (freed === 0) return; // only newest entries left: nothing more to give
      }
    } finally {
      trimming = false;
    }
  };
  return {
    get bytes() {
      return total;
    },
    async appended(channel) {
      recount(channel);
      if (total > maxBytes) await trimLargest();
    },
  };
}
