import { expect } from "@playwright/test";
import { channelPath } from "@transport-lab/protocol";

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

/** Drives a server's HTTP API from Node, as the tests do (outside the browser, so outside every figure). */
export function serverDriver(baseUrl: string) {
  return {
    baseUrl,
    /** Starts (rate > 0) or stops the channel's generator. */
    async generator(channel: string, rate: number, payloadBytes = 64): Promise<void> {
      await call(baseUrl, "POST", channelPath(channel, "generator"), { rate, payloadBytes });
    },
    /** The channel's epoch, head seq and subscriber counts. */
    async head(channel: string): Promise<ChannelHead> {
      return (await call(baseUrl, "GET", channelPath(channel))) as ChannelHead;
    },
    /** Publishes one message over HTTP; resolves with its seq. */
    async publish(channel: string, data: unknown): Promise<number> {
      const res = (await call(baseUrl, "POST", channelPath(channel, "messages"), { data })) as {
        seq: number;
      };
      return res.seq;
    },
    /** Cuts every connection of the channel; resolves with how many were cut. */
    async disconnect(channel: string): Promise<number> {
      return ((await call(baseUrl, "POST", channelPath(channel, "disconnect"))) as { disconnected: number })
        .disconnected;
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

/** One server's API as the tests drive it (see {@link serverDriver}). */
export type ServerDriver = ReturnType<typeof serverDriver>;
