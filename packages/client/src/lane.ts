import type { HistogramOptions } from "@transport-lab/metrics";
import type { ClientSnapshot, TransportRegistry } from "./client-api.ts";
import { Link } from "./link.ts";
import type { Platform } from "./platform.ts";
import type { ClientTransportName, Transport } from "./transport.ts";
import { type TransportExtras, TransportRecorder } from "./transport-recorder.ts";
import type { WireEvent, WireLog } from "./wire-log.ts";
import { createWireTap } from "./wire-tap.ts";

/** One transport of a client: its I/O, the link it reports through, and its figures. */
export interface Lane {
  readonly transport: Transport;
  readonly link: Link;
  readonly recorder: TransportRecorder;
}

/** What a client gives each of its lanes. */
export interface LaneEnvironment {
  readonly platform: Platform;
  readonly registry: Readonly<Partial<TransportRegistry<ClientTransportName>>>;
  readonly baseUrl: string;
  readonly channel: string;
  readonly pollIntervalMs: number;
  readonly longPollTimeoutMs: number;
  readonly histogram: HistogramOptions | undefined;
  now(): number;
  /** Where the next delivery starts (the client's sequencer). */
  cursor(): string | undefined;
  /** The client's wire log, shared by its lanes. */
  readonly wireLog: WireLog;
  /** True while someone listens to the client's `wire` events. */
  wireListened(): boolean;
  emitWire(event: WireEvent<ClientTransportName>): void;
}

/** Makes the recorder, wire tap, link and transport of one lane; the client wires the link's events. */
export function createLane(name: ClientTransportName, env: LaneEnvironment): Lane {
  const factory = env.registry[name];
  if (factory === undefined) throw new TypeError(`no transport ${name} in this client's registry`);
  const recorder = new TransportRecorder(name, env.now, env.histogram);
  const { wireLog } = env;
  const wire = createWireTap(
    name,
    env.now,
    () => wireLog.capacity > 0 || env.wireListened(),
    (event) => {
      wireLog.push(event);
      env.emitWire(event);
    },
  );
  const link = new Link(name, recorder, wire);
  const transport = factory({
    baseUrl: env.baseUrl,
    channel: env.channel,
    pollIntervalMs: env.pollIntervalMs,
    longPollTimeoutMs: env.longPollTimeoutMs,
    platform: env.platform,
    link,
    cursor: env.cursor,
    now: env.now,
  });
  return { transport, link, recorder };
}

/** Every lane's figures, by transport, for a client's snapshot. */
export function laneFigures<N extends ClientTransportName>(
  lanes: Iterable<Lane>,
): ClientSnapshot<N>["transports"] {
  const figures: ClientSnapshot<N>["transports"] = {};
  for (const { recorder } of lanes) {
    // A lane of transport N records extras of N (the recorder is typed by the wider union).
    figures[recorder.transport as N] = {
      metrics: recorder.snapshot(),
      extras: recorder.extras() as TransportExtras<N>,
    };
  }
  return figures;
}
