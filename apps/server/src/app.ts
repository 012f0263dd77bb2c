import type { RequestListener } from "node:http";
import { PLAIN_WS_PATH, transportOfRoute } from "@transport-lab/protocol";
import { Hono } from "hono";
import { matchedRoutes } from "hono/route";
import type { WebSocketServer } from "ws";
import { createAdminGuard } from "./admin-guard.ts";
import { mountClassRoster } from "./class-routes.ts";
import type { Cluster } from "./cluster.ts";
import { resolveOptions, type ServerOptions } from "./config.ts";
import { type AppContext, every, type NodeBindings } from "./context.ts";
import { ApiError } from "./errors.ts";
import { Hub } from "./hub.ts";
import { createLinkRouter, type LinkRouter } from "./links/link-router.ts";
import { mountLinks } from "./links/links-route.ts";
import { presetLinks } from "./links/presets.ts";
import { createOriginPolicy } from "./origin-policy.ts";
import { createPrometheusRegistry } from "./prometheus.ts";
import { createKeyedRateLimiter } from "./rate-limit.ts";
import { metricsOf, mountRoutes } from "./routes.ts";
import { createServerCounters, type ServerCounters } from "./server-metrics.ts";
import { createSocketIoEndpoint, type SocketIoEndpoint } from "./socketio/socket-io-endpoint.ts";
import { mountStatic } from "./static.ts";
import { mountLongPoll } from "./transports/long-poll.ts";
import { PlainWsEndpoint } from "./transports/plain-ws.ts";
import { mountPoll } from "./transports/poll.ts";
import { mountSse } from "./transports/sse.ts";
import { mountWs, type UpgradeHandler } from "./transports/ws.ts";
import { UnsentAnswers } from "./unsent-answers.ts";

/** A server instance's Hono app and the state behind it. Not listening: see `startServer`. */
export interface TransportLabApp {
  readonly app: Hono<NodeBindings>;
  readonly context: AppContext;
  /**
   * Takes every upgrade (`server.on("upgrade", handleUpgrade)`): Socket.IO's path to its engine,
   * `/` to the plain WebSocket endpoint, the rest to the lab's WebSocket transport.
   */
  readonly handleUpgrade: UpgradeHandler;
  /**
   * The HTTP server's request listener around Hono's (`next`): Socket.IO's path goes to its
   * engine first, everything else to `next`.
   */
  route(next: RequestListener): RequestListener;
  /** The `ws` server of the lab's and the plain WebSocket endpoints (noServer mode). */
  readonly wss: WebSocketServer;
  /** Puts `/link/<name>/…` requests and upgrades through their emulated link (docs/network-links.md). */
  readonly links: LinkRouter;
  /** Socket.IO at its default path. */
  readonly socketIo: SocketIoEndpoint;
  /** Stops timers and generators, cuts every connection as at shutdown (WS 1001, SSE ends, long-polls answer). */
  shutdown(): void;
}

/** What an app may be built on instead of its own: counters made before it, a connected {@link Cluster}. */
export interface AppDeps {
  counters?: ServerCounters | undefined;
  cluster?: Cluster | undefined;
}

/** The path of a request target, without its query. */
function pathOf(url: string | undefined): string {
  const target = url ?? "/";
  const query = target.indexOf("?");
  return query < 0 ? target : target.slice(0, query);
}

/** Builds the app: every route of docs/protocol.md §3 over one hub of channels. */
export function createApp(overrides: Partial<ServerOptions> = {}, deps: AppDeps = {}): TransportLabApp {
  const options = resolveOptions(overrides);
  const counters = deps.counters ?? createServerCounters();
  const context: AppContext = {
    options,
    counters,
    hub: new Hub(options, counters, deps.cluster),
    publishLimiter: createKeyedRateLimiter(options.rateLimit, options.rateBurst),
    origins: createOriginPolicy(options.allowedOrigins),
    unsentAnswers: new UnsentAnswers(options.maxUnsentPollBytes),
    intervals: new Set(),
  };
  const admin = createAdminGuard(options.adminToken);
  counters.start();
  every(context, 10_000, () => {
    context.publishLimiter.sweep();
    admin.sweep();
    context.hub.sweep();
  });
  const prometheus = createPrometheusRegistry(() => metricsOf(context));

  const app = new Hono<NodeBindings>();
  app.onError((err, c) => {
    const apiError =
      err instanceof ApiError ? err : new ApiError(500, "internal", "internal error; see the server log");
    if (!(err instanceof ApiError)) console.error(err);
    // The transport whose route matched (not guessed from the URL), so its error counter counts it.
    const transport = matchedRoutes(c)
      .map((route) => transportOfRoute(route.path))
      .find((t) => t !== undefined);
    if (transport) counters.transports[transport].errors += 1;
    return c.json(apiError.toBody(), apiError.status);
  });
  app.notFound((c) =>
    c.json(new ApiError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`).toBody(), 404),
  );
  const classRoster = mountClassRoster(app, context);
  mountRoutes(app, context, admin, prometheus);
  const links = options.links ?? presetLinks({ idleTimeoutMs: options.linkIdleTimeoutMs });
  mountLinks(app, links);
  const { handleUpgrade: labUpgrade, wss } = mountWs(app, context);
  const plainWs = new PlainWsEndpoint(context, wss);
  const socketIo = createSocketIoEndpoint(context);
  const handleUpgrade = classRoster.wrapUpgrade((req, socket, head) => {
    if (socketIo.handles(req.url)) return socketIo.handleUpgrade(req, socket, head);
    if (pathOf(req.url) === PLAIN_WS_PATH) return plainWs.handleUpgrade(req, socket, head);
    return labUpgrade(req, socket, head);
  });
  mountSse(app, context);
  mountLongPoll(app, context);
  mountPoll(app, context);
  mountStatic(app, options.staticDir);

  return {
    app,
    context,
    handleUpgrade,
    route: (next) => (req, res) => {
      if (socketIo.handles(req.url)) socketIo.handleRequest(req, res);
      else next(req, res);
    },
    wss,
    links: createLinkRouter(links),
    socketIo,
    shutdown() {
      context.hub.shutDown();
      for (const timer of context.intervals) clearInterval(timer);
      context.intervals.clear();
      counters.stop();
      context.hub.stopGenerators();
      context.hub.cut("shutdown");
      socketIo.close();
    },
  };
}
