/**
 * Emulated network links: every path of the server also answers under `/link/<name>/…`,
 * through that link (see docs/network-links.md).
 */

/** Path prefix of every link: `/link/3g/api/time` is `GET /api/time` over the `3g` link. */
export const LINK_PATH_PREFIX = "/link/";

/** Link names: lowercase letters, digits and dashes, 1–32 chars, not starting with a dash. */
export const LINK_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** The path prefix under which the whole API and the page answer through link `name`. */
export const linkBaseUrl = (name: string): string => `${LINK_PATH_PREFIX}${name}`;

/**
 * What a link does to a WebSocket upgrade: `pass` it; `refuse` it (the link answers 403 itself);
 * `strip` its `Upgrade` header, so the server sees a plain GET and answers 426; or `drop`: the
 * upgrade succeeds, then every frame in both directions is discarded while the socket stays open.
 */
export type LinkUpgrade = "pass" | "refuse" | "strip" | "drop";

/** One link as `GET /api/links` lists it. */
export interface LinkInfo {
  readonly name: string;
  /** `/link/<name>`: prefix any path with it to go through the link. */
  readonly baseUrl: string;
  /** `network`: a connection type with published figures; `fault`: a proxy or network fault. */
  readonly kind: "network" | "fault";
  /** Round trip added to every exchange (half in each direction); a new connection pays one more for its TCP handshake. */
  readonly rttMs: number;
  /** Server → client bandwidth in kbit/s; `null` when not limited. */
  readonly downKbps: number | null;
  /** Client → server bandwidth in kbit/s; `null` when not limited. */
  readonly upKbps: number | null;
  /** Each packet's one-way delay varies by up to ± this, never reordering bytes. */
  readonly jitterMs: number;
  /** Packets lost, in %; each loss stalls its connection for `stallMs` (TCP retransmits), no byte is dropped. */
  readonly lossPercent: number;
  readonly stallMs: number;
  /** Server → client bytes of each response held until this many have accumulated or the response ends; `null`: none held. */
  readonly bufferBytes: number | null;
  /** A connection with no byte in either direction for this long is cut; `null`: never. */
  readonly idleTimeoutMs: number | null;
  readonly upgrade: LinkUpgrade;
  readonly description: string;
  /** Where the figures come from. */
  readonly source: string;
}

/** `GET /api/links`. */
export interface LinksResponse {
  readonly links: LinkInfo[];
}
