import {
  platform as browserPlatform,
  type Client,
  type ClientOptions,
  createClientWith,
  type Platform,
  transports,
} from "@transport-lab/client";
import { CLASS_CLIENT_ID_PATTERN } from "@transport-lab/protocol";

const KEY = "transport-lab.client-id";

/**
 * This browser's anonymous id for the class view: random, kept in localStorage so that a student
 * with two tabs or a reload counts once. It names nothing about the person.
 */
export function anonymousClientId(
  storage: Pick<Storage, "getItem" | "setItem"> | null = safeStorage(),
): string {
  const stored = storage?.getItem(KEY);
  if (stored != null && new RegExp(CLASS_CLIENT_ID_PATTERN).test(stored)) return stored;
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  const id = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_");
  try {
    storage?.setItem(KEY, id);
  } catch {
    // No storage: the id lives as long as the page.
  }
  return id;
}

function safeStorage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

/** `path` with `client=<id>` added to its query. */
export function withClientParam(path: string, id: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}client=${encodeURIComponent(id)}`;
}

/**
 * A platform that adds `?client=<id>` to every transport URL (the protocol ignores it; the server
 * lists it in `GET /api/class`). The tag goes on before the platform sees the URL, so that the
 * bytes it counts or computes are those of the request really sent. `stream` (Node's SSE path)
 * is left alone: in a browser the event stream opens through `openEventStream`, tagged there.
 */
export function announcingPlatform(base: Platform, id: string): Platform {
  return {
    eventStreamHeaders: base.eventStreamHeaders,
    createHttp(baseUrl, recorder) {
      const http = base.createHttp(baseUrl, recorder);
      return {
        baseUrl: http.baseUrl,
        recorder: http.recorder,
        measured: http.measured,
        request: (request) => http.request({ ...request, path: withClientParam(request.path, id) }),
        stream: (path, headers, handlers) => http.stream(path, headers, handlers),
        close: () => http.close(),
      };
    },
    openWebSocket: (url, recorder, handlers) =>
      base.openWebSocket(withClientParam(url, id), recorder, handlers),
    openEventStream: (request, handlers) =>
      base.openEventStream({ ...request, path: withClientParam(request.path, id) }, handlers),
  };
}

/** `createClient` for this page: the browser's transports, announcing `id`. */
export function announcingClientFactory(id: string): (options: ClientOptions) => Client {
  const tagged = announcingPlatform(browserPlatform, id);
  return (options) => createClientWith(tagged, transports, options);
}
