import os from "node:os";
import { ApiError } from "./errors.ts";

/** Decides which browser Origins may open WebSockets and send state-changing requests. */
export interface OriginPolicy {
  /**
   * True for no Origin at all (not a browser: curl, `ws`, scripts), for an origin in
   * `ALLOWED_ORIGINS`, and for the server's own origin: the Origin's host equals the request's
   * Host header *and* names this machine (loopback, one of its interface addresses, its host
   * name). The second half stops DNS rebinding, where a foreign page's Host and Origin agree.
   */
  allows(origin: string | undefined, host: string | undefined): boolean;
}

/** Names and addresses of this machine, lowercased; IPv6 addresses in brackets as in a URL. */
export function ownHostNames(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
  hostname: string = os.hostname(),
): Set<string> {
  const names = new Set(["localhost", "[::1]"]);
  const host = hostname.toLowerCase();
  if (host) {
    names.add(host);
    names.add(`${host}.local`);
  }
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      names.add(info.family === "IPv6" ? `[${info.address.toLowerCase()}]` : info.address);
    }
  }
  return names;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|[a-z0-9-]+\.localhost)$/;

/** How long the interface list is reused: addresses change (Wi-Fi, DHCP), but not per request. */
const NAMES_TTL_MS = 5000;

/** The policy for a server with these extra allowed origins; `names` is for tests. */
export function createOriginPolicy(allowed: readonly string[], names?: () => Set<string>): OriginPolicy {
  const extra = new Set(allowed);
  let cached: Set<string> | undefined;
  let cachedAt = 0;
  const own = (hostname: string) => {
    if (LOOPBACK.test(hostname)) return true;
    if (names) return names().has(hostname);
    if (!cached || performance.now() - cachedAt > NAMES_TTL_MS) {
      cached = ownHostNames();
      cachedAt = performance.now();
    }
    return cached.has(hostname);
  };
  return {
    allows(origin, host) {
      if (origin === undefined) return true;
      if (extra.has(origin)) return true;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false; // "null" (sandboxed frames, file: pages) and garbage
      }
      return url.host === host?.toLowerCase() && own(url.hostname);
    },
  };
}

/**
 * The 403 `forbidden_origin` for a refused `origin`, saying what to set. A page whose Origin
 * matches its Host was served by this server under a name or address it does not know as its
 * own (port forwarding, a reverse proxy, a DNS name): `ALLOWED_ORIGINS` admits it.
 */
export function forbiddenOrigin(
  origin: string | undefined,
  host: string | undefined,
  action: string,
): ApiError {
  let underOwnName = false;
  try {
    underOwnName = origin !== undefined && new URL(origin).host === host?.toLowerCase();
  } catch {
    // "null" and garbage: a foreign page
  }
  const message = underOwnName
    ? `origin ${origin} may not ${action}: this server does not know that name or address as its own ` +
      `(port forwarding, a proxy, a DNS name?). If students open it that way, start the server with ` +
      `ALLOWED_ORIGINS=${origin}`
    : `origin ${origin} may not ${action}: it is neither this server's own nor in ALLOWED_ORIGINS`;
  return new ApiError(403, "forbidden_origin", message);
}
