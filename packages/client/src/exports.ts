// The one list of what both entries (index.browser.ts, index.node.ts) export besides their
// platform; each entry adds its platform and `createClient` bound to it.

export type { Attempt, ReplyFrame } from "./attempt.ts";
export {
  AUTO_DEFAULTS,
  type AutoOptions,
  DEFAULT_AUTO_ORDER,
  type ResolvedAutoOptions,
  resolveAutoOptions,
} from "./auto-options.ts";
export { Backoff, type BackoffOptions, backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
export { resolveBaseUrl } from "./base-url.ts";
export {
  type ChoiceMemory,
  choiceKey,
  createMemoryChoiceMemory,
  type RememberedChoice,
} from "./choice-memory.ts";
export { createClientWith } from "./client.ts";
export type {
  Client,
  ClientEvents,
  ClientOptions,
  ClientReset,
  ClientSnapshot,
  TransportRegistry,
} from "./client-api.ts";
export { ClientError, type ClientErrorCode } from "./errors.ts";
export type { Link, LinkEvents } from "./link.ts";
export type {
  EventStreamEnd,
  HttpClient,
  IoRecorder,
  Platform,
  WebSocketEnd,
} from "./platform.ts";
export { type DeliveryCounts, Sequencer, Verdict } from "./sequencer.ts";
export { SseParser } from "./sse-parser.ts";
export { type ClientState, describeState } from "./state.ts";
export type {
  ClientTransportName,
  DropReason,
  PublishResult,
  Transport,
  TransportContext,
  TransportDrop,
  TransportFactory,
} from "./transport.ts";
export type {
  DecisionAction,
  DecisionOutcome,
  DecisionWhy,
  ReachabilityCheck,
  TransportDecision,
} from "./transport-decision.ts";
export type { TransportExtras } from "./transport-recorder.ts";
export { transports } from "./transports/registry.ts";
export type { WireEvent } from "./wire-log.ts";
