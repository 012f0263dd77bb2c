import {
  type AdminStatusResponse,
  formatCursor,
  generatorRequestSchema,
  publishRequestSchema,
  ROUTES,
  type ServerMetrics,
} from "@transport-lab/protocol";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import type { AdminGuard } from "./admin-guard.ts";
import { checkChannelName } from "./channel.ts";
import { wallClock } from "./channel-log.ts";
import { type AppContext, addressOf, type NodeBindings } from "./context.ts";
import { ApiError } from "./errors.ts";
import { forbiddenOrigin } from "./origin-policy.ts";
import type { createPrometheusRegistry } from "./prometheus.ts";
import { validate } from "./validate.ts";

type Ctx = Context<NodeBindings>;

/**
 * Reads a JSON body and validates it; 400 `bad_json` / `bad_param` with the first issue.
 * Returns zod's output and the body as parsed: zod rebuilds objects and drops `__proto__`
 * keys, so a message's `data` must be taken from `raw` to stay exactly what the client sent.
 */
async function readJson<T extends z.ZodType>(
  c: Ctx,
  schema: T,
): Promise<{ value: z.infer<T>; raw: unknown }> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new ApiError(400, "bad_json", "request body is not valid JSON");
  }
  const parsed = validate(schema, body);
  if (!parsed.ok) throw new ApiError(400, "bad_param", parsed.message);
  return { value: parsed.value, raw: body };
}

/** The client address of a request. */
const addressOfRequest = (c: Ctx) => addressOf(c.env.incoming.socket);

/** True for `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(header: string | undefined): boolean {
  return header?.split(";", 1)[0]?.trim().toLowerCase() === "application/json";
}

/** The JSON API: health, time, channel info, publish, generator, disconnect, admin, metrics. */
export function mountRoutes(
  app: Hono<NodeBindings>,
  ctx: AppContext,
  admin: AdminGuard,
  prometheus: ReturnType<typeof createPrometheusRegistry>,
): void {
  const { hub, counters, options } = ctx;
  const limitBody = bodyLimit({
    maxSize: options.maxBodyBytes,
    onError: (c) => {
      // The rest of the body is left unread and the socket is dropped after the answer: tell the
      // client, or it reuses the connection and its next request fails ("other side closed").
      c.header("connection", "close");
      throw new ApiError(413, "payload_too_large", `request body is over ${options.maxBodyBytes} bytes`);
    },
  });
  // A foreign page can send "simple" cross-site POSTs (no preflight), and its Origin says so.
  const sameOrigin: MiddlewareHandler<NodeBindings> = async (c, next) => {
    const origin = c.req.header("origin");
    const host = c.req.header("host");
    if (!ctx.origins.allows(origin, host)) throw forbiddenOrigin(origin, host, "change anything here");
    await next();
  };
  // `application/json` cannot be sent cross-site without a preflight, which this server never grants.
  const jsonBody: MiddlewareHandler<NodeBindings> = async (c, next) => {
    if (!isJsonContentType(c.req.header("content-type"))) {
      throw new ApiError(
        415,
        "unsupported_media_type",
        "the body must be sent as content-type: application/json",
      );
    }
    await next();
  };
  const requireAdmin: MiddlewareHandler<NodeBindings> = async (c, next) => {
    admin.require(c.req.header("authorization"), addressOfRequest(c));
    await next();
  };
  // Taken before the body is read, so that a flood costs the server no parsing.
  const publishToken: MiddlewareHandler<NodeBindings> = async (c, next) => {
    if (!ctx.publishLimiter.take(addressOfRequest(c))) {
      counters.publishes.rateLimited += 1;
      throw new ApiError(429, "rate_limited", `publish rate limit is ${options.rateLimit} msg/s per client`);
    }
    await next();
  };

  // Healthy means messages are being delivered: with Redis, a probe went round through it lately.
  app.get(ROUTES.health, (c) => {
    const delivering = hub.cluster?.delivering() ?? { ok: true };
    if (delivering.ok) return c.json({ status: "ok" });
    return c.json({ status: "unavailable", reason: delivering.reason }, 503);
  });
  app.get(ROUTES.time, (c) => c.json({ time: wallClock() }));
  app.get(ROUTES.channels, async (c) => c.json({ channels: await hub.infos() }));
  // A channel that does not exist answers as the empty channel it would start as (and is not
  // made): the same epoch and seq 0 a poll of it gets.
  app.get(ROUTES.channel, async (c) => c.json(await hub.infoOf(checkChannelName(c.req.param("ch")))));
  app.get(ROUTES.admin, (c) => {
    const status = admin.status(c.req.header("authorization"), addressOfRequest(c));
    const body: AdminStatusResponse = {
      tokenRequired: admin.tokenRequired,
      authorized: status === "open" || status === "authorized",
    };
    c.header("cache-control", "no-store");
    return c.json(body);
  });

  app.post(ROUTES.messages, sameOrigin, jsonBody, publishToken, limitBody, async (c) => {
    // Everything that can refuse the request comes before `obtain`: a refused request creates no channel.
    const name = checkChannelName(c.req.param("ch"));
    const { raw } = await readJson(c, publishRequestSchema);
    const { data } = raw as { data: unknown };
    const address = addressOfRequest(c);
    const channel = await hub.obtain(name, address);
    const entry = await hub.append(channel, JSON.stringify(data), address);
    counters.publishes.http += 1;
    return c.json({ seq: entry.seq, cursor: formatCursor(entry.epoch, entry.seq), time: entry.time }, 201);
  });

  app.post(ROUTES.generator, sameOrigin, requireAdmin, jsonBody, limitBody, async (c) => {
    const name = checkChannelName(c.req.param("ch"));
    const { rate, payloadBytes } = (await readJson(c, generatorRequestSchema)).value;
    // Stopping the generator of a channel that does not exist changes nothing: do not make it.
    if (rate === 0 && !hub.find(name) && !(await hub.cluster?.generatorState(name))?.running)
      return c.json({ channel: name, rate: 0, payloadBytes, running: false });
    const channel = await hub.obtain(name, addressOfRequest(c));
    await channel.generator.set(rate, payloadBytes);
    const state = channel.generator.state();
    hub.release(channel);
    return c.json(state);
  });

  app.post(ROUTES.disconnect, sameOrigin, requireAdmin, async (c) =>
    c.json({ disconnected: await hub.disconnect(checkChannelName(c.req.param("ch"))) }),
  );

  app.get(ROUTES.metrics, (c) => c.json(metricsOf(ctx)));
  app.get(ROUTES.prometheus, async (c) =>
    c.body(await prometheus.metrics(), 200, { "content-type": prometheus.contentType }),
  );
}

/** `GET /api/metrics`: this instance's counters; with a cluster, its id and every live instance's. */
export function metricsOf(ctx: AppContext): ServerMetrics {
  const { hub, options } = ctx;
  const retained = {
    bytes: hub.retainedBytes,
    maxBytes: options.maxRetainedBytes,
    maxChannelBytes: options.maxChannelBytes,
  };
  const snapshot = ctx.counters.snapshot(hub.channelCount, retained);
  const { cluster } = hub;
  if (!cluster) return snapshot;
  return {
    ...snapshot,
    instance: { id: cluster.instanceId, store: "redis" },
    instances: cluster.instances(),
  };
}
