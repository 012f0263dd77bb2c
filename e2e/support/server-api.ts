import { expect } from "@playwright/test";

/** The four transports, in the order the compare view shows them. */
export const TRANSPORTS = ["ws", "sse", "longPoll", "poll"] as const;
/** One of {@link TRANSPORTS} (the protocol package's `TransportName`, which e2e does not depend on). */
export type Transport = (typeof TRANSPORTS)[number];

/** What `GET /api/channels/:ch` answers (the fields the tests read). */
export interface ChannelHead {
  readonly epoch: string;
  readonly seq: number;
  readonly subscribers: { readonly ws: number; readonly sse: number; readonly longPoll: number };
}

let counter = 0;

/** A channel name no other test (or earlier run against the same server) uses. */
export function uniqueChannel(prefix: string): string {
  counter += 1;
  return `e2e-${prefix}-${Date.now().toString(36)}-${counter}`;
}

async function call(baseUrl: string, method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text);
}

/** The server's HTTP API as the tests drive it from Node (outside the browser, so outside every figure). */
export function serverApi(baseUrl: string) {
  return {
    baseUrl,
    /** Starts (rate > 0) or stops the channel's generator. */
    async generator(channel: string, rate: number, payloadBytes = 64): Promise<void> {
      await call(baseUrl, "POST", `/api/channels/${channel}/generator`, { rate, payloadBytes });
    },
    /** The channel's epoch, head seq and subscriber counts. */
    async head(channel: string): Promise<ChannelHead> {
      return (await call(baseUrl, "GET", `/api/channels/${channel}`)) as ChannelHead;
    },
    /** Publishes one message over HTTP; resolves with its seq. */
    async publish(channel: string, data: unknown): Promise<number> {
      const res = (await call(baseUrl, "POST", `/api/channels/${channel}/messages`, { data })) as {
        seq: number;
      };
      return res.seq;
    },
    /** Cuts every connection of the channel; resolves with how many were cut. */
    async disconnect(channel: string): Promise<number> {
      return (
        (await call(baseUrl, "POST", `/api/channels/${channel}/disconnect`)) as { disconnected: number }
      ).disconnected;
    },
    /**
     * Runs the generator until the channel's head has grown by at least `count`, stops it, and
     * resolves with the final head (the generator may have sent a few more before stopping).
     */
    async generate(channel: string, count: number, rate = 50, payloadBytes = 64): Promise<ChannelHead> {
      const before = (await this.head(channel)).seq;
      await this.generator(channel, rate, payloadBytes);
      try {
        await expect
          .poll(async () => (await this.head(channel)).seq, { timeout: 20_000, intervals: [100] })
          .toBeGreaterThanOrEqual(before + count);
      } finally {
        await this.generator(channel, 0);
      }
      return this.head(channel);
    },
  };
}

/** The API of one server (see {@link serverApi}). */
export type ServerApi = ReturnType<typeof serverApi>;
