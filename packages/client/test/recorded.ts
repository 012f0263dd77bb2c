import type { Envelope } from "@transport-lab/protocol";
import {
  type Client,
  type ClientOptions,
  type ClientState,
  createClientWith,
  type Platform,
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
export interface Recorded {
  client: Client;
  seqs: number[];
  envelopes: Envelope[];
  states: ClientState[];
}

/** Creates a client on `platform` and records its messages and states. */
export function recordOn(options: ClientOptions, platform: Platform): Recorded {
  const client = createClientWith(platform, transports, options);
  const seqs: number[] = [];
  const envelopes: Envelope[] = [];
  const states: ClientState[] = [];
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
