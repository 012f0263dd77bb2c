import { createClientWith } from "./client.ts";
import type { Client, ClientOptions } from "./client-api.ts";
import { nodeFetchPlatform } from "./node/node-fetch-platform.ts";
import { nodePlatform } from "./node/node-platform.ts";
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
export { nodeFetchPlatform, nodePlatform as platform, transports };

/** Creates a client using Node's transports (`ws`, `node:http`, a streaming SSE reader). */
export function createClient(options: ClientOptions): Client {
  return createClientWith(nodePlatform, transports, options);
}
