import http from "node:http";
import net from "node:net";
import type { ChannelInfo } from "@transport-lab/protocol";

/**
 * One JSON request on a connection of its own (`agent: false`, so nothing
 * lingers in a keep-alive pool between the test and the server).
 */
export function api<T>(
  method: "GET" | "POST",
  url: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, {
      method,
      agent: false,
      headers: payload === undefined ? {} : { "content-type": "application/json" },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as T }));
    });
    req.end(payload);
  });
}

/** `GET /api/channels/:ch`. */
export async function channelInfo(base: string, channel: string): Promise<ChannelInfo> {
  return (await api<ChannelInfo>("GET", `${base}/api/channels/${channel}`)).json;
}

/** Publishes `count` messages over HTTP, one after the other; returns the last seq. */
export async function publishMany(base: string, channel: string, count: number): Promise<number> {
  let seq = 0;
  for (let i = 0; i < count; i++) {
    seq = (await api<{ seq: number }>("POST", `${base}/api/channels/${channel}/messages`, { data: { i } }))
      .json.seq;
  }
  return seq;
}

/** Polls `check` every 10 ms until it returns true; throws with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP proxy in front of the server whose connections the test can cut, like a network fault the server does not cause. */
export interface FaultProxy {
  readonly url: string;
  /** Destroys every proxied connection (both sides); returns how many there were. */
  cut(): number;
  /** While on, new connections are reset at once: the server is out of reach. */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

/** Starts a {@link FaultProxy} on a free port forwarding to `port`. */
export async function startFaultProxy(port: number): Promise<FaultProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(port, "127.0.0.1");
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  const cut = () => {
    const n = pairs.size;
    for (const [client, upstream] of [...pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
    return n;
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut,
    refuse(on) {
      refusing = on;
    },
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** True when no handle type has more open handles in `now` than in `before`. */
export function atMost(now: Record<string, number>, before: Record<string, number>): boolean {
  return Object.entries(now).every(([type, count]) => count <= (before[type] ?? 0));
}

/** Open handles of this process by type (sockets, timers …). */
export function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}
