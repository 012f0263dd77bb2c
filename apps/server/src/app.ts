import { transportOfRoute } from "@transport-lab/protocol";
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
import { mountStatic } from "./static.ts";
import { mountLongPoll } from "./transports/long-poll.ts";
import { mountPoll } from "./transports/poll.ts";
import { mountSse } from "./transports/sse.ts";
import { mountWs, type UpgradeHandler } from "./transports/ws.ts";
import { UnsentAnswers } from "./unsent-answers.ts";

/** A server instance's Hono app and the state behind it. Not listening: see `startServer`. */
export interface TransportLabApp {
  readonly app: Hono<NodeBindings>;
  readonly context: AppContext;
  /** Takes WebSocket upgrades: `server.on("upgrade", handleUpgrade)`. */
  readonly handleUpgrade: UpgradeHandler;
  /** The `ws` server behind {@link handleUpgrade} (noServer mode). */
  readonly wss: WebSocketServer;
  /** Puts `/link/<name>/…` requests and upgrades through their emulated link (docs/network-links.md). */
  readonly links: LinkRouter;
  /** Stops timers and generators, cuts every connection as at shutdown (WS 1001, SSE ends, long-polls answer). */
  shutdown(): void;
}

/** What an app may be built on instead of its own: counters made before it, a connected {@link Cluster}. */
export interface AppDeps {
  counters?: ServerCounters | undefined;
  cluster?: Cluster | undefined;
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
  const { handleUpgrade: upgrade, wss } = mountWs(app, context);
  const handleUpgrade = classRoster.wrapUpgrade(upgrade);
  mountSse(app, context);
  mountLongPoll(app, context);
  mountPoll(app, context);
  mountStatic(app, options.staticDir);

  return {
    app,
    context,
    handleUpgrade,
    wss,
    links: createLinkRouter(links),
    shutdown() {
      context.hub.shutDown();
      for (const timer of context.intervals) clearInterval(timer);
      context.intervals.clear();
      counters.stop();
      context.hub.stopGenerators();
      context.hub.cut("shutdown");
    },
  };
}
