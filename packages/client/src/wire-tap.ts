import type { ByteSource } from "@transport-lab/metrics";
import type { ClientTransportName } from "./transport.ts";
import type { WireEvent } from "./wire-log.ts";

/**
 * Where a transport reports what crossed the wire. `enabled` is false when
 * nobody looks (no wire log, no listener), so callers skip building summaries.
 */
export interface WireTap {
  readonly enabled: boolean;
  emit(
    direction: WireEvent["direction"],
    kind: WireEvent["kind"],
    size: number,
    source: ByteSource,
    summary: string,
    /** When it happened, if not now. */
    time?: number,
  ): void;
}

/** A tap for one transport that stamps events and hands them to `sink`. */
export function createWireTap(
  transport: ClientTransportName,
  now: () => number,
  isEnabled: () => boolean,
  sink: (event: WireEvent<ClientTransportName>) => void,
): WireTap {
  return {
    get enabled() {
      return isEnabled();
    },
    emit(direction, kind, size, source, summary, time) {
      sink({ transport, direction, kind, size, source, time: time ?? now(), summary });
    },
  };
}
