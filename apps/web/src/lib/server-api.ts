import type {
  AdminStatusResponse,
  ChannelInfo,
  ClassRoster,
  GeneratorState,
  LinkInfo,
  LinksResponse,
  PollResponse,
  ServerMetrics,
} from "@transport-lab/protocol";
import { channelPath, ROUTES, transportPath } from "@transport-lab/protocol";

/** A failed call to the server's API, with the status and the server's error code when it sent one. */
export class ApiCallError extends Error {
  constructor(
    /** HTTP status, or 0 when no answer came (server down, network). */
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiCallError";
  }
}

/** Turns an error from the API into one plain sentence for the page (401 explained for students). */
export function describeApiError(error: unknown): string {
  if (error instanceof ApiCallError) {
    if (error.status === 0) return "The server did not answer: it may be down or unreachable from here.";
    if (error.code === "unauthorized")
      return "The server needs the teacher's token for this. Students can watch everything; only the teacher drives the generator and the disconnect button.";
    if (error.code === "rate_limited")
      return "Too many messages at once: the server's rate limit refused this one.";
    return `${error.message} (HTTP ${error.status}, ${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The JSON API of one server (the page's own origin in production, the Vite proxy in development). */
export interface ServerApi {
  /** Turns the channel's generator on (rate > 0) or off. */
  setGenerator(channel: string, rate: number, payloadBytes: number, token: string): Promise<GeneratorState>;
  /** Cuts every connection of the channel, as a network fault would. */
  disconnect(channel: string, token: string): Promise<number>;
  metrics(): Promise<ServerMetrics>;
  /** The channel's head, history bounds, subscribers and generator state. */
  channel(channel: string): Promise<ChannelInfo>;
  /** Every channel in memory (asking the list cannot 404 for a channel not created yet). */
  channels(): Promise<ChannelInfo[]>;
  /** One poll, outside any transport's figures: the channel head (no cursor) or the messages after `cursor`. */
  peek(channel: string, cursor?: string): Promise<PollResponse>;
  /** The server's wall clock, for the shared clock-offset estimate. */
  time(): Promise<number>;
  /** True when `GET /healthz` answers 200 within 3 s. */
  healthy(): Promise<boolean>;
  /** `GET /api/admin`: whether the server wants a teacher token, and whether `token` is it; null on 404 (an older server). */
  admin(token: string): Promise<AdminState | null>;
  /** `GET /api/class`: the pages that announce an id, per transport. */
  classRoster(): Promise<ClassRoster>;
  /** `GET /api/links`: the emulated networks the server offers (docs/network-links.md). */
  links(): Promise<readonly LinkInfo[]>;
}

/** `GET /api/admin`. */
export type AdminState = AdminStatusResponse;

/** Creates the API for `baseUrl` (empty string: same origin). */
export function createServerApi(baseUrl = "", fetchImpl: typeof fetch = fetch.bind(globalThis)): ServerApi {
  async function call<T>(method: "GET" | "POST", path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    // Every POST is JSON, even without a body: a server may refuse state-changing requests of any
    // other type (a foreign page can send text/plain without asking).
    const payload = method === "POST" ? JSON.stringify(body ?? {}) : undefined;
    if (payload !== undefined) headers["content-type"] = "application/json";
    if (token !== undefined && token !== "") headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method,
        headers,
        cache: "no-store",
        ...(payload === undefined ? {} : { body: payload }),
      });
    } catch (error) {
      throw new ApiCallError(0, "network", error instanceof Error ? error.message : String(error));
    }
    const text = await response.text();
    if (!response.ok) {
      let code = "http_error";
      let message = `HTTP ${response.status}`;
      try {
        const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
        code = parsed.error?.code ?? code;
        message = parsed.error?.message ?? message;
      } catch {
        // Not JSON (a proxy error page): keep the status line.
      }
      throw new ApiCallError(response.status, code, message);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiCallError(response.status, "bad_response", `${path} did not answer with JSON`);
    }
  }
  return {
    setGenerator: (channel, rate, payloadBytes, token) =>
      call<GeneratorState>("POST", channelPath(channel, "generator"), { rate, payloadBytes }, token),
    disconnect: async (channel, token) =>
      (await call<{ disconnected: number }>("POST", channelPath(channel, "disconnect"), undefined, token))
        .disconnected,
    metrics: () => call<ServerMetrics>("GET", ROUTES.metrics),
    channel: (channel) => call<ChannelInfo>("GET", channelPath(channel)),
    channels: async () => (await call<{ channels: ChannelInfo[] }>("GET", ROUTES.channels)).channels,
    peek: (channel, cursor) => call<PollResponse>("GET", transportPath("poll", channel, { cursor })),
    time: async () => (await call<{ time: number }>("GET", ROUTES.time)).time,
    admin: async (token) => {
      try {
        return await call<AdminState>("GET", ROUTES.admin, undefined, token);
      } catch (error) {
        if (error instanceof ApiCallError && error.status === 404) return null;
        throw error;
      }
    },
    classRoster: () => call<ClassRoster>("GET", ROUTES.classRoster),
    links: async () => (await call<LinksResponse>("GET", ROUTES.links)).links,
    healthy: async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 3000);
      try {
        const response = await fetchImpl(`${baseUrl}${ROUTES.health}`, {
          cache: "no-store",
          signal: controller.signal,
        });
        return response.ok;
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
