import {
  CLASS_CLIENT_ID_PATTERN,
  type ClassRoster,
  type ClassRosterEntry,
  TRANSPORT_NAMES,
  type TransportName,
} from "@transport-lab/protocol";
import { bump } from "./bump.ts";

/** Options of {@link createClassRoster}. */
export interface ClassRosterOptions {
  /** Ids tracked at once; past it a new id is counted in `untracked` and not kept. */
  readonly maxClients: number;
  /**
   * Ids one client address may have tracked at once (`MAX_CONNECTIONS_PER_ADDRESS`): one address
   * that makes up ids cannot fill the roster for the others. Past it, as past `maxClients`.
   */
  readonly maxPerAddress: number;
  /** An id without a held connection still counts on a transport this long after its last request. */
  readonly recentMs: number;
  /** Entries listed in the answer (the counts cover every tracked id). */
  readonly maxListed: number;
  /** `performance.now()`; injectable for tests. */
  readonly now?: () => number;
}

/** Defaults: a classroom is tens of pages; an interval poller asks at least every 15 s. */
export const CLASS_ROSTER_DEFAULTS: ClassRosterOptions = {
  maxClients: 10_000,
  maxPerAddress: 256,
  recentMs: 15_000,
  maxListed: 200,
};

interface Use {
  held: number;
  lastSeen: number;
}

interface Entry {
  /** Who announced the id first: kept only to count ids per address, never shown. */
  readonly address: string;
  channel: string;
  lastSeen: number;
  readonly uses: Map<TransportName, Use>;
}

/**
 * Who is in the room: pages that announce an anonymous id (`?client=`) on their transport
 * requests, and on which transports. The id is what the page made up; the server shows no
 * address or other detail with it. Bounded in ids, in total and per address; the names it keeps are
 * at most 32 + 64 characters an id (the id and channel patterns), so memory is bounded too. An id
 * leaves once it holds nothing and has asked nothing for `recentMs`.
 */
export interface ClassRosterTracker {
  /**
   * A request of `id` from `address` on `transport`; returns the function to call when a held
   * connection ends.
   */
  seen(id: string, address: string, channel: string, transport: TransportName, held: boolean): () => void;
  /** The answer of `GET /api/class`, but for the server's settings. */
  snapshot(): Omit<ClassRoster, "historySize">;
  /** Drops ids that hold nothing and were not seen for `recentMs`. */
  sweep(): void;
}

const ID = new RegExp(CLASS_CLIENT_ID_PATTERN);

/** True for an id this server keeps (anything else is ignored, as the protocol says). */
export function isClassClientId(id: string | null | undefined): id is string {
  return typeof id === "string" && ID.test(id);
}

/** Creates an empty roster. */
export function createClassRoster(options: Partial<ClassRosterOptions> = {}): ClassRosterTracker {
  const { maxClients, maxPerAddress, recentMs, maxListed } = { ...CLASS_ROSTER_DEFAULTS, ...options };
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, Entry>();
  /** Tracked ids per address (addresses without one are deleted). */
  const perAddress = new Map<string, number>();
  let untracked = 0;

  const room = (address: string) =>
    entries.size < maxClients && (perAddress.get(address) ?? 0) < maxPerAddress;

  const active = (use: Use, at: number) => use.held > 0 || at - use.lastSeen <= recentMs;

  const sweep = () => {
    const at = now();
    for (const [id, entry] of entries) {
      for (const [t, use] of entry.uses) if (!active(use, at)) entry.uses.delete(t);
      if (entry.uses.size > 0) continue;
      entries.delete(id);
      bump(perAddress, entry.address, -1);
    }
  };

  return {
    seen(id, address, channel, transport, held) {
      const at = now();
      let entry = entries.get(id);
      if (entry === undefined) {
        if (!room(address)) sweep();
        if (!room(address)) {
          untracked += 1;
          return () => {};
        }
        entry = { address, channel, lastSeen: at, uses: new Map() };
        entries.set(id, entry);
        bump(perAddress, address, 1);
      }
      entry.channel = channel;
      entry.lastSeen = at;
      let use = entry.uses.get(transport);
      if (use === undefined) {
        use = { held: 0, lastSeen: at };
        entry.uses.set(transport, use);
      }
      use.lastSeen = at;
      if (!held) return () => {};
      use.held += 1;
      const counted = use;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        counted.held -= 1;
        counted.lastSeen = now();
      };
    },
    snapshot() {
      sweep();
      const at = now();
      const transports = Object.fromEntries(
        TRANSPORT_NAMES.map((t) => [t, { clients: 0, held: 0 }]),
      ) as Record<TransportName, { clients: number; held: number }>;
      const list: ClassRosterEntry[] = [];
      const newestFirst = [...entries.entries()].sort((a, b) => b[1].lastSeen - a[1].lastSeen);
      for (const [id, entry] of newestFirst) {
        const on: TransportName[] = [];
        let held = 0;
        for (const t of TRANSPORT_NAMES) {
          const use = entry.uses.get(t);
          if (use === undefined || !active(use, at)) continue;
          on.push(t);
          held += use.held;
          transports[t].clients += 1;
          transports[t].held += use.held;
        }
        if (list.length < maxListed) {
          list.push({
            id,
            channel: entry.channel,
            transports: on,
            held,
            idleMs: Math.round(at - entry.lastSeen),
          });
        }
      }
      return { clients: entries.size, transports, list, untracked, recentMs };
    },
    sweep,
  };
}
