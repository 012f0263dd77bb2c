import { TRANSPORT_NAMES, type TransportName } from "./transports.ts";

/**
 * Every route of the HTTP API as the server registers it (`:ch` is the channel name). The one
 * place these paths are written: the server mounts them, clients build requests from them.
 */
export const ROUTES = {
  health: "/healthz",
  time: "/api/time",
  channels: "/api/channels",
  channel: "/api/channels/:ch",
  messages: "/api/channels/:ch/messages",
  generator: "/api/channels/:ch/generator",
  disconnect: "/api/channels/:ch/disconnect",
  admin: "/api/admin",
  ws: "/api/channels/:ch/ws",
  sse: "/api/channels/:ch/sse",
  longPoll: "/api/channels/:ch/long-poll",
  poll: "/api/channels/:ch/poll",
  metrics: "/api/metrics",
  prometheus: "/metrics",
  /** Who is connected on which transport (docs/protocol.md §12). */
  classRoster: "/api/class",
  /** The emulated network links (docs/protocol.md §16). */
  links: "/api/links",
} as const;

/** A route of {@link ROUTES}. */
export type Route = (typeof ROUTES)[keyof typeof ROUTES];

/** The routes under one channel: its info, publish, generator, disconnect and the four transports. */
export type ChannelRoute = "channel" | "messages" | "generator" | "disconnect" | TransportName;

/** `pathname` of a WebSocket upgrade request: `/api/channels/<channel>/ws`, the channel captured. */
export const WS_PATH_PATTERN = /^\/api\/channels\/([^/]+)\/ws$/;

/** Query parameters of the transport endpoints; absent ones are left out of the URL. */
export interface TransportQuery {
  /** `earliest` or `<epoch>:<seq>`; absent for live. */
  readonly cursor?: string | undefined;
  /** Long polling only: the hold time asked for, ms. */
  readonly timeout?: number | undefined;
}

/** The path of one channel route, e.g. `channelPath("chat", "messages")` → `/api/channels/chat/messages`. */
export function channelPath(channel: string, route: ChannelRoute = "channel"): string {
  return ROUTES[route].replace(":ch", encodeURIComponent(channel));
}

/**
 * Path and query of one transport's request, e.g. `/api/channels/chat/long-poll?timeout=25000&cursor=e%3A4`.
 * `timeout` comes first, then the cursor (URL-encoded), so that a path's length follows from its parts.
 */
export function transportPath(transport: TransportName, channel: string, query: TransportQuery = {}): string {
  let path = channelPath(channel, transport);
  let separator = "?";
  if (query.timeout !== undefined) {
    path += `?timeout=${query.timeout}`;
    separator = "&";
  }
  if (query.cursor !== undefined) path += `${separator}cursor=${encodeURIComponent(query.cursor)}`;
  return path;
}

const TRANSPORT_BY_ROUTE: ReadonlyMap<string, TransportName> = new Map(
  TRANSPORT_NAMES.map((name) => [ROUTES[name], name]),
);

/** Which transport a matched route pattern (e.g. Hono's `routePath`) serves; undefined for the others. */
export function transportOfRoute(route: string): TransportName | undefined {
  return TRANSPORT_BY_ROUTE.get(route);
}
