import { RETAINED_LUA } from "./cluster-scripts.ts";
import { REGISTRY_KEYS } from "./keys.ts";
import type { RedisChannelLog } from "./redis-channel-log.ts";
import type { RedisConnection } from "./redis-connection.ts";
import { luaScript } from "./run-script.ts";

const RETAINED = luaScript(RETAINED_LUA);

/** Most passes of trimming the largest channel after one report (each frees that channel's oldest). */
const MAX_TRIMS = 64;
/** Reports of one instance are this far apart at least. */
const REPORT_MS = 20;

/** `MAX_RETAINED_BYTES` across every instance: what all channels in Redis retain together. */
export interface RetainedBudget {
  /** Retained bytes of all channels, as Redis last counted them. */
  readonly bytes: number;
  /** `log`'s retained bytes changed (it reports its version with them). */
  changed(log: RedisChannelLog): void;
  /** The total as Redis counted it just now (another instance's report or trim). */
  seen(bytes: number): void;
}

/**
 * The instance that appended reports the channel's retained bytes to Redis with the log's version
 * (so that reports of two instances may arrive in any order), at most every 20 ms, coalesced.
 * Over the budget, the instance that noticed trims the channel holding the most, as one process
 * does, until the total fits. Between an append and its report (≤ 20 ms) the total can exceed the
 * budget by what is being appended meanwhile on every instance.
 */
export function createRetainedBudget(
  connection: RedisConnection,
  maxBytes: number,
  logOf: (name: string) => RedisChannelLog,
): RetainedBudget {
  const keys = [REGISTRY_KEYS.retainedSizes, REGISTRY_KEYS.retainedVersion, REGISTRY_KEYS.retainedTotal];
  const dirty = new Map<string, RedisChannelLog>();
  let total = 0;
  let reporting = false;

  const report = async () => {
    for (let pass = 0; dirty.size > 0 && pass < MAX_TRIMS; pass++) {
      const args = [String(maxBytes)];
      for (const [name, log] of dirty) args.push(name, String(log.version), String(log.state().bytes));
      dirty.clear();
      const [sum, largest, largestBytes] = (await connection.run(RETAINED, keys, args)) as [
        number,
        string?,
        number?,
      ];
      total = sum;
      if (largest === undefined || largestBytes === undefined) return;
      // Over budget: the largest channel gives up its oldest messages; its new size is reported next pass.
      const log = logOf(largest);
      const freed = await log.trim(Math.max(0, largestBytes - (sum - maxBytes)));
      if (freed === 0) return; // only its newest message is left
      dirty.set(largest, log);
    }
  };
  const flush = () => {
    if (reporting) return;
    reporting = true;
    // At most one report per REPORT_MS: under a publish flood each one covers many appends.
    setTimeout(() => {
      report()
        .catch(() => {
          // Redis unreachable: the next change reports again.
        })
        .finally(() => {
          reporting = false;
          if (dirty.size > 0) flush();
        });
    }, REPORT_MS).unref();
  };
  return {
    get bytes() {
      return total;
    },
    changed(log) {
      dirty.set(log.channel, log);
      flush();
    },
    seen(bytes) {
      if (!reporting) total = bytes;
    },
  };
}
