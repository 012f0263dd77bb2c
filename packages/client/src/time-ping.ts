import { ClientError } from "./errors.ts";
import type { Platform } from "./platform.ts";
import { TransportStats } from "./transport-stats.ts";

/** `GET /api/time` clock samples over an HTTP client of their own. */
export interface TimePing {
  /** Resolves with the server's wall clock. */
  ping(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Clock samples for the HTTP transports. They go through a separate HTTP
 * client (own sockets, throwaway counters) so that their requests and bytes
 * stay out of the transport's figures; the caller counts them as `clockRequests`.
 */
export function createTimePing(platform: Platform, baseUrl: string, now: () => number): TimePing {
  const http = platform.createHttp(
    baseUrl,
    new TransportStats("poll", now, { significantDigits: 1, maxValue: 1 }),
  );
  return {
    async ping() {
      const result = await http.request({ method: "GET", path: "/api/time", purpose: "clock" });
      const time = (JSON.parse(result.body) as { time?: unknown }).time;
      if (typeof time !== "number")
        throw new ClientError("bad_response", "GET /api/time without a numeric time");
      return time;
    },
    close: () => http.close(),
  };
}
