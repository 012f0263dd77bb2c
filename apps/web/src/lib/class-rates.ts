import { perMessage } from "@transport-lab/metrics";
import { type ServerMetrics, TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";

/** How often the class view asks the server for `/api/metrics` (its rates are over this interval). */
export const CLASS_REFRESH_MS = 2000;

/** What one transport costs the server right now, from two `/api/metrics` samples. */
export interface TransportLoad {
  readonly transport: TransportName;
  /** Open connections now (WebSockets, SSE streams, held long-polls; poll has none held). */
  readonly connections: number;
  readonly requestsPerSecond: number | null;
  readonly messagesPerSecond: number | null;
  readonly bytesPerSecond: number | null;
  /** Requests the server answered per message it sent (null when it sent none in the window). */
  readonly requestsPerMessage: number | null;
  /** Bytes the server sent per message it sent. */
  readonly bytesPerMessage: number | null;
  readonly errors: number;
}

/**
 * Per-second rates between two samples taken `seconds` apart. Counters that
 * went down (a server restart) give null rates rather than negative ones.
 */
export function transportLoads(
  previous: ServerMetrics | null,
  current: ServerMetrics,
  seconds: number,
): TransportLoad[] {
  return TRANSPORT_NAMES.map((transport) => {
    const now = current.transports[transport];
    const before = previous?.transports[transport];
    const delta = (key: "requests" | "messagesOut" | "bytesOut") => {
      if (before === undefined || !(seconds > 0)) return null;
      const d = now[key] - before[key];
      return d < 0 ? null : d;
    };
    const requests = delta("requests");
    const messages = delta("messagesOut");
    const bytes = delta("bytesOut");
    const rate = (d: number | null) => (d === null ? null : d / seconds);
    return {
      transport,
      connections: now.connections,
      requestsPerSecond: rate(requests),
      messagesPerSecond: rate(messages),
      bytesPerSecond: rate(bytes),
      requestsPerMessage: requests === null || messages === null ? null : perMessage(requests, messages),
      bytesPerMessage: bytes === null || messages === null ? null : perMessage(bytes, messages),
      errors: now.errors,
    };
  });
}
