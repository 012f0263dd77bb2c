/** The four ways a channel is served, in the order the project lists them. */
export const TRANSPORT_NAMES = ["ws", "sse", "longPoll", "poll"] as const;

/** One of {@link TRANSPORT_NAMES}. */
export type TransportName = (typeof TRANSPORT_NAMES)[number];

/** True when `name` is one of {@link TRANSPORT_NAMES} (for command lines and URLs). */
export function isTransportName(name: string): name is TransportName {
  return (TRANSPORT_NAMES as readonly string[]).includes(name);
}
