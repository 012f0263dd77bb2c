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

/** A proxy that refuses WebSocket upgrades while its gate is shut, like a firewall whose policy changes. */
export interface UpgradeGate {
  readonly url: string;
  /** Shut: every upgrade request is answered `403` by the proxy; plain HTTP passes either way. */
  shut(on: boolean): void;
  /** Destroys every proxied connection (both sides). */
  cut(): void;
  close(): Promise<void>;
}

/**
 * Starts an {@link UpgradeGate} on a free port forwarding to `port` (open at first): an HTTP
 * proxy, so that it sees every request of a kept-alive connection (undici may send a WebSocket
 * upgrade on a pooled one), streaming answers through as they come.
 */
export async function startUpgradeGate(port: number): Promise<UpgradeGate> {
  const sockets = new Set<net.Socket>();
  let shut = false;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("socket", track);
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connection", track);
  server.on("upgrade", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    if (shut) {
      client.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const upstream = net.connect(port, "127.0.0.1", () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    track(upstream);
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const cut = () => {
    for (const socket of [...sockets]) socket.destroy();
    sockets.clear();
  };
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    shut(on) {
      shut = on;
    },
    cut,
    close() {
      cut();
      agent.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
