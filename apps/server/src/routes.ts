import { formatCursor, generatorRequestSchema, publishRequestSchema, ROUTES } from "@transport-lab/protocol";
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { wallClock } from "./channel-log.ts";
import type { AppContext, NodeBindings } from "./context.ts";
import { ApiError } from "./errors.ts";
import type { createPrometheusRegistry } from "./prometheus.ts";
import { validate } from "./validate.ts";

/**
 * Reads a JSON body and validates it; 400 `bad_json` / `bad_param` with the first issue.
 * Returns zod's output and the body as parsed: zod rebuilds objects and drops `__proto__`
 * keys, so a message's `data` must be taken from `raw` to stay exactly what the client sent.
 */
async function readJson<T extends z.ZodType>(
  c: Context,
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

/** The JSON API: health, time, channel info, publish, generator, disconnect, metrics. */
export function mountRoutes(
  app: Hono<NodeBindings>,
  ctx: AppContext,
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
  const requireAdmin = (c: Context) => {
    if (options.adminToken === undefined) return;
    if (c.req.header("authorization") !== `Bearer ${options.adminToken}`) {
      throw new ApiError(401, "unauthorized", "this endpoint needs Authorization: Bearer <admin token>");
    }
  };
  const clientIp = (c: Context<NodeBindings>) => c.env.incoming.socket.remoteAddress ?? "unknown";

  app.get(ROUTES.health, (c) => c.json({ status: "ok" }));
  app.get(ROUTES.time, (c) => c.json({ time: wallClock() }));
  app.get(ROUTES.channels, (c) => c.json({ channels: hub.list().map((ch) => ch.info()) }));
  app.get(ROUTES.channel, (c) => {
    const channel = hub.find(c.req.param("ch"));
    if (!channel) throw new ApiError(404, "not_found", `no channel "${c.req.param("ch")}"`);
    return c.json(channel.info());
  });

  app.post(ROUTES.messages, limitBody, async (c) => {
    // Everything that can refuse the request comes before `obtain`: a refused request creates no channel.
    const { raw } = await readJson(c, publishRequestSchema);
    const { data } = raw as { data: unknown };
    if (!ctx.httpLimiter.take(clientIp(c))) {
      counters.publishes.rateLimited += 1;
      throw new ApiError(429, "rate_limited", `publish rate limit is ${options.rateLimit} msg/s per client`);
    }
    const channel = hub.obtain(c.req.param("ch"));
    counters.publishes.http += 1;
    const entry = await channel.log.append(JSON.stringify(data));
    return c.json({ seq: entry.seq, cursor: formatCursor(entry.epoch, entry.seq), time: entry.time }, 201);
  });

  app.post(ROUTES.generator, limitBody, async (c) => {
    requireAdmin(c);
    const { rate, payloadBytes } = (await readJson(c, generatorRequestSchema)).value;
    const channel = hub.obtain(c.req.param("ch"));
    channel.generator.set(rate, payloadBytes);
    return c.json(channel.generator.state());
  });

  app.post(ROUTES.disconnect, (c) => {
    requireAdmin(c);
    const channel = hub.find(c.req.param("ch"));
    return c.json({ disconnected: channel ? hub.cut("disconnect", channel) : 0 });
  });

  app.get(ROUTES.metrics, (c) => c.json(counters.snapshot(hub.list().length)));
  app.get(ROUTES.prometheus, async (c) =>
    c.body(await prometheus.metrics(), 200, { "content-type": prometheus.contentType }),
  );
}
