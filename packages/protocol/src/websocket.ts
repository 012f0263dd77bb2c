/**
 * WebSocket close codes with their meaning here (RFC 6455 §7.4). The server sends 1001, 1009,
 * 1012 and 1013; 1000 is a normal close; 1005 and 1006 are never sent on the wire, an endpoint
 * reports them locally when a close frame had no code or did not come at all.
 */
export const CLOSE_CODES = {
  /** A normal close (what this project's client sends when it closes). */
  normal: 1000,
  /** Server shutting down. */
  goingAway: 1001,
  /** Local only: the close frame carried no status code (and so no reason). */
  noStatus: 1005,
  /** Local only: the connection died without a close frame (killed peer, network cut, heartbeat timeout). */
  abnormal: 1006,
  /** A frame larger than the configured limit. */
  messageTooBig: 1009,
  /** The disconnect endpoint (a simulated network fault). */
  serviceRestart: 1012,
  /** The client read too slowly and its send buffer overflowed; resume from the cursor. */
  tryAgainLater: 1013,
  /** Sent by this project's client when it drops a connection itself to refetch a seq gap (4000–4999: private use). */
  resync: 4000,
} as const;

/** `WebSocket.readyState` values (the WHATWG API and `ws` share them). */
export const WS_READY_STATE = { connecting: 0, open: 1, closing: 2, closed: 3 } as const;
