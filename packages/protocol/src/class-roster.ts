import type { TransportName } from "./transports.ts";

/**
 * An anonymous id a page may add to its transport URLs as `?client=<id>` so that the server can
 * list who is connected on which transport (`GET /api/class`). Optional: requests without one, or
 * with one that does not match, are served exactly the same and simply not listed.
 */
export const CLASS_CLIENT_ID_PATTERN = "^[A-Za-z0-9_-]{8,32}$";

/** One page in `GET /api/class`. */
export interface ClassRosterEntry {
  readonly id: string;
  /** The channel of its latest request. */
  readonly channel: string;
  /** Transports it holds a connection on, or asked on within `recentMs`. */
  readonly transports: readonly TransportName[];
  /** Connections it holds open now (WebSockets, SSE streams, waiting long polls). */
  readonly held: number;
  /** Ms since its latest request. */
  readonly idleMs: number;
}

/** `GET /api/class`: the pages that announce an id, per transport. */
export interface ClassRoster {
  /** Ids known now. */
  readonly clients: number;
  /** Per transport: ids on it, and the connections they hold. */
  readonly transports: Readonly<Record<TransportName, { readonly clients: number; readonly held: number }>>;
  /** The most recently seen ids first, at most 200. */
  readonly list: readonly ClassRosterEntry[];
  /** Requests whose id was not kept because the roster was full. */
  readonly untracked: number;
  /** An id with nothing held stays listed this long after its latest request. */
  readonly recentMs: number;
  /** Messages each channel keeps (`HISTORY`): a poller that asks less often than this lasts loses messages. */
  readonly historySize: number;
}
