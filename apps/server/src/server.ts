import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { createApp, type TransportLabApp } from "./app.ts";
import { resolveOptions, type ServerOptions } from "./config.ts";
import { createServerCounters } from "./server-metrics.ts";

/** Options of {@link startServer}: listening address plus any {@link ServerOptions}. */
export interface StartOptions extends Partial<ServerOptions> {
  /** 0 picks a free port. Default 3000. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** A listening server. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly instance: TransportLabApp;
  /** Graceful stop: shutdown frames/answers first, then sockets; resolves when all are gone (≤ `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/** Starts a server (HTTP + WebSocket on one port) and resolves once it listens. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const { port = 3000, host = "127.0.0.1", ...overrides } = opts;
  const options = resolveOptions(overrides);
  const counters = createServerCounters();
  // Loaded only when asked for: a server on its own does not load the Redis client at all.
  const cluster = options.redisUrl
    ? await (await import("./redis/redis-cluster.ts")).RedisCluster.connect(
        options.redisUrl,
        options,
        counters,
      )
    : undefined;
  const instance = createApp(overrides, { counters, cluster });
  await cluster?.serve(instance.context.hub);
  // What `createAdaptorServer` does, with the link router between Node and Hono, and Socket.IO's
  // path routed to its engine before Hono.
  const server = createServer(
    instance.links.requests(instance.route(getRequestListener(instance.app.fetch))),
  );
  server.on("upgrade", instance.links.upgrades(instance.handleUpgrade));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const publicHost = urlHost === "0.0.0.0" || urlHost === "[::]" ? "localhost" : urlHost;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${publicHost}:${address.port}`,
    port: address.port,
    instance,
    close(graceMs = 3000) {
      closing ??= new Promise<void>((resolve) => {
        instance.shutdown();
        const hard = setTimeout(() => {
          for (const ws of instance.wss.clients) ws.terminate();
          instance.socketIo.terminate();
          if ("closeAllConnections" in server) server.closeAllConnections();
        }, graceMs);
        hard.unref();
        // Held long-polls are answered asynchronously by shutdown(), after server.close() has closed
        // the connections idle at that instant; keep closing the ones that fall idle meanwhile, or
        // each keep-alive socket would hold close() until the hard deadline.
        const closeIdle = () => {
          if ("closeIdleConnections" in server) server.closeIdleConnections();
        };
        const sweep = setInterval(closeIdle, 20);
        sweep.unref();
        server.close(() => {
          clearTimeout(hard);
          clearInterval(sweep);
          instance.wss.close();
          (cluster?.close() ?? Promise.resolve()).finally(resolve);
        });
        closeIdle();
      });
      return closing;
    },
  };
}
