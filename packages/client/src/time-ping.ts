import { decodeTimeAnswer, ROUTES } from "@transport-lab/protocol";
import { ClientError } from "./errors.ts";
import type { Platform } from "./platform.ts";
import { DISCARD } from "./transport-recorder.ts";

/** `GET /api/time` clock samples over an HTTP client of their own. */
export interface TimePing {
  /** Resolves with the server's wall clock. */
  ping(): Promise<number>;
  /** Closes its sockets; a later ping opens new ones. */
  close(): Promise<void>;
}

/**
 * Clock samples for the HTTP transports. They go through a separate HTTP client (own sockets,
 * counters discarded) so that their requests and bytes stay out of the transport's figures; the
 * caller counts them as `clockRequests`.
 */
export function createTimePing(platform: Platform, baseUrl: string): TimePing {
  const http = platform.createHttp(baseUrl, DISCARD);
  return {
    async ping() {
      const result = await http.request({ method: "GET", path: ROUTES.time, purpose: "clock" });
      const time = result.status === 200 ? decodeTimeAnswer(result.body) : undefined;
      if (time?.ok !== true) {
        const why = time === undefined ? `HTTP ${result.status}` : time.error;
        throw new ClientError("bad_response", `GET ${ROUTES.time}: ${why}`);
      }
      return time.value;
    },
    close: () => http.close(),
  };
}

/**
 * Whether the server answers a plain `GET /api/time` within `timeoutMs`, on a connection of its
 * own whose figures are discarded: after a transport failed, it tells a server that is down from a
 * transport that is blocked on the way.
 */
export async function checkReachable(
  platform: Platform,
  baseUrl: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<boolean> {
  const http = platform.createHttp(baseUrl, DISCARD);
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, timeoutMs);
  signal.addEventListener("abort", abort);
  try {
    const result = await http.request({
      method: "GET",
      path: ROUTES.time,
      purpose: "clock",
      signal: controller.signal,
    });
    return result.status === 200 && decodeTimeAnswer(result.body).ok;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", abort);
    void http.close();
  }
}
