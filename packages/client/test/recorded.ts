import type { Envelope, TransportName } from "@transport-lab/protocol";
import {
  type Client,
  type ClientOptions,
  type ClientState,
  type ClientTransportName,
  createClientWith,
  type Platform,
  type TransportRegistry,
  transports,
} from "../src/index.node.ts";

/** Short timings so that reconnects and polls happen many times within a test. */
export const FAST = {
  backoff: { initialMs: 20, maxMs: 200 },
  pollIntervalMs: 25,
  longPollTimeoutMs: 2000,
  wireLogSize: 0,
  clock: false,
} as const;

/** A client and everything it emitted, in order. */
export interface Recorded<N extends ClientTransportName = TransportName> {
  client: Client<N>;
  seqs: number[];
  envelopes: Envelope[];
  states: ClientState<N>[];
}

/**
 * Creates a client on `platform` and records its messages and states. Its transports are
 * `registry`'s (default: the four); the names come from the registry alone, never from
 * `options.transport`, so that a client started on `ws` may still switch to the others.
 */
export function recordOn<N extends ClientTransportName = TransportName>(
  options: ClientOptions<NoInfer<N>>,
  platform: Platform,
  // Without a registry N is its default, the four's names: `transports` is a registry of those.
  registry: TransportRegistry<N> = transports as TransportRegistry<N>,
): Recorded<N> {
  const client = createClientWith(platform, registry, options);
  const seqs: number[] = [];
  const envelopes: Envelope[] = [];
  const states: ClientState<N>[] = [];
  client.on("message", (envelope) => {
    seqs.push(envelope.seq);
    envelopes.push(envelope);
  });
  client.on("state", (state) => states.push(state));
  return { client, seqs, envelopes, states };
}

/** `from`, `from + 1` … `to`. */
export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
