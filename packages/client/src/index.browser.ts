import { browserPlatform } from "./browser/browser-platform.ts";
import { createClientWith } from "./client.ts";
import type { Client, ClientOptions } from "./client-api.ts";
import { transports } from "./transports/registry.ts";

export { Backoff, type BackoffOptions, backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
export { createClientWith, resolveBaseUrl } from "./client.ts";
export type {
  Client,
  ClientEvents,
  ClientOptions,
  ClientReset,
  ClientSnapshot,
  TransportRegistry,
} from "./client-api.ts";
export { ClientError, type ClientErrorCode } from "./errors.ts";
export type { Platform } from "./platform.ts";
export { type DeliveryCounts, Sequencer, Verdict } from "./sequencer.ts";
export { SseParser } from "./sse-parser.ts";
export { type ClientState, describeState } from "./state.ts";
export type {
  DropReason,
  PublishResult,
  Transport,
  TransportContext,
  TransportDrop,
  TransportEvents,
  TransportFactory,
} from "./transport.ts";
export type { TransportExtras } from "./transport-stats.ts";
export type { WireEvent } from "./wire-log.ts";
export { browserPlatform as platform, transports };

/** Creates a client using the browser's own WebSocket, EventSource and fetch. */
export function createClient(options: ClientOptions): Client {
  return createClientWith(browserPlatform, transports, options);
}
