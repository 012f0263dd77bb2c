import http from "node:http";
import type { ChannelInfo, PollResponse, PublishResponse, ServerMetrics } from "@transport-lab/protocol";
import { expect } from "vitest";
import type { ClientOptions } from "ws";
import { type RunningServer, type StartOptions, startServer } from "../src/index.ts";
import { type CurlSse, curlSse, type EsClient, openEventSource, openWs, type WsClient } from "./clients.ts";

/** Polls `check` until it stops throwing (returns its value) or the deadline passes (rethrows). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 3000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (performance.now() > deadline) throw err;
      await sleep(15);
    }
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 1..n (or from..to). */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A JSON HTTP answer. */
export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** fetch + JSON parse of the body (if any). */
export async function request<T = unknown>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

/** POSTs `body` (an object is sent as JSON; a string as is). */
export function post<T = unknown>(url: string, body: unknown, headers: Record<string, string> = {}) {
  return request<T>(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/**
 * One HTTP request from a chosen loopback source address (fetch cannot pick one), with headers
 * exactly as given: `from("127.0.0.2")` stands in for another user's machine.
 */
export function from(localAddress: string) {
  return <T = unknown>(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<JsonResponse<T>> =>
    new Promise((resolve, reject) => {
      const req = http.request(url, {
        method: init.method ?? "GET",
        headers: init.headers ?? {},
        localAddress,
        agent: false,
      });
      req.on("error", reject);
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => {
          let body: unknown;
          try {
            body = text === "" ? undefined : JSON.parse(text);
          } catch {
            body = text;
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers, body: body as T, text });
        });
      });
      req.end(init.body);
    });
}

/** JSON POST headers. */
export const JSON_HEADERS = { "content-type": "application/json" } as const;

/** A server on port 0 plus tracked clients, all closed when the test ends. */
export interface Harness {
  readonly server: RunningServer;
  readonly url: string;
  /** `ws://…/api/channels/<ch>/ws?…` */
  wsUrl(channel: string, query?: Record<string, string>): string;
  /** `http://…/api/channels/<ch>/<endpoint>?…` (`endpoint` "" for the channel itself). */
  channelUrl(channel: string, endpoint: string, query?: Record<string, string>): string;
  /** Publishes over HTTP; fails the test unless 201. */
  publish(channel: string, data: unknown): Promise<PublishResponse>;
  /** Publishes `{"i":k}` for k = 1..n, one after the other. */
  publishMany(channel: string, n: number): Promise<PublishResponse[]>;
  info(channel: string): Promise<ChannelInfo>;
  metrics(): Promise<ServerMetrics>;
  poll(channel: string, query?: Record<string, string>): Promise<PollResponse>;
  ws(channel: string, query?: Record<string, string>, options?: ClientOptions): Promise<WsClient>;
  eventSource(channel: string, query?: Record<string, string>, lastEventId?: string): Promise<EsClient>;
  curl(channel: string, query?: Record<string, string>, opts?: Parameters<typeof curlSse>[1]): CurlSse;
  /** Runs `fn` at cleanup, before the server closes. */
  defer(fn: () => unknown): void;
}

const qs = (query: Record<string, string> = {}) => {
  const s = new URLSearchParams(query).toString();
  return s ? `?${s}` : "";
};

/** Starts a server on 127.0.0.1:0 with `options`, runs `fn`, then closes every client and the server. */
export async function withServer<T>(options: StartOptions, fn: (h: Harness) => Promise<T>): Promise<T> {
  const server = await startServer({ port: 0, host: "127.0.0.1", ...options });
  const cleanups: (() => unknown)[] = [];
  const channelUrl = (channel: string, endpoint: string, query?: Record<string, string>) =>
    `${server.url}/api/channels/${channel}${endpoint ? `/${endpoint}` : ""}${qs(query)}`;
  const h: Harness = {
    server,
    url: server.url,
    channelUrl,
    wsUrl: (channel, query) => channelUrl(channel, "ws", query).replace(/^http/, "ws"),
    async publish(channel, data) {
      const res = await post<PublishResponse>(channelUrl(channel, "messages"), { data });
      if (res.status !== 201) throw new Error(`publish answered ${res.status} ${res.text}`);
      return res.body;
    },
    async publishMany(channel, n) {
      const out: PublishResponse[] = [];
      for (let i = 1; i <= n; i++) out.push(await h.publish(channel, { i }));
      return out;
    },
    async info(channel) {
      const res = await request<ChannelInfo>(channelUrl(channel, ""));
      if (res.status !== 200) throw new Error(`channel info answered ${res.status} ${res.text}`);
      return res.body;
    },
    async metrics() {
      return (await request<ServerMetrics>(`${server.url}/api/metrics`)).body;
    },
    async poll(channel, query) {
      const res = await request<PollResponse>(channelUrl(channel, "poll", query));
      if (res.status !== 200) throw new Error(`poll answered ${res.status} ${res.text}`);
      return res.body;
    },
    async ws(channel, query, options) {
      const client = await openWs(h.wsUrl(channel, query), options);
      cleanups.push(() => client.socket.terminate());
      return client;
    },
    async eventSource(channel, query, lastEventId) {
      const client = await openEventSource(channelUrl(channel, "sse", query), lastEventId);
      cleanups.push(() => client.close());
      return client;
    },
    curl(channel, query, opts) {
      const c = curlSse(channelUrl(channel, "sse", query), opts);
      cleanups.push(() => c.kill());
      return c;
    },
    defer: (fn) => {
      cleanups.push(fn);
    },
  };
  try {
    return await fn(h);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // a client that is already gone
      }
    }
    await server.close(500);
  }
}

/** Asserts an HTTP error answer: status, JSON content type and `{"error":{"code","message"}}`. */
export async function expectError(
  res: Promise<{ status: number; headers: Headers; body: unknown }>,
  status: number,
  code: string,
) {
  const r = await res;
  expect({ status: r.status, body: r.body }).toEqual({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  expect(r.headers.get("content-type")).toMatch(/^application\/json/);
}
