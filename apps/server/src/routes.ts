import { formatCursor, generatorRequestSchema, publishRequestSchema } from "@transport-lab/protocol";
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { wallClock } from "./channel-log.ts";
import type { AppContext, NodeBindings } from "./context.ts";
import { ApiError } from "./errors.ts";
import type { createPrometheusRegistry } from "./prometheus.ts";

/** Reads a JSON body and validates it; 400 `bad_json` / `bad_param` with the first issue. */
async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new ApiError(400, "bad_json", "request body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new ApiError(400, "bad_param", `${where}${issue?.message ?? "invalid body"}`);
  }
  return parsed.data;
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
    onError: () => {
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

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/api/time", (c) => c.json({ time: wallClock() }));
  app.get("/api/channels", (c) => c.json({ channels: hub.list().map((ch) => ch.info()) }));
  app.get("/api/channels/:ch", (c) => {
    const channel = hub.find(c.req.param("ch"));
    if (!channel) throw new ApiError(404, "not_found", `no channel "${c.req.param("ch")}"`);
    return c.json(channel.info());
  });

  app.post("/api/channels/:ch/messages", limitBody, async (c) => {
    const channel = hub.obtain(c.req.param("ch"));
    const { data } = await readJson(c, publishRequestSchema);
    if (!ctx.httpLimiter.take(clientIp(c))) {
      counters.publishes.rateLimited += 1;
      throw new ApiError(429, "rate_limited", `publish rate limit is ${options.rateLimit} msg/s per client`);
    }
    counters.publishes.http += 1;
    const entry = await channel.log.append(JSON.stringify(data));
    return c.json({ seq: entry.seq, cursor: formatCursor(entry.epoch, entry.seq), time: entry.time }, 201);
  });

  app.post("/api/channels/:ch/generator", limitBody, async (c) => {
    requireAdmin(c);
    const channel = hub.obtain(c.req.param("ch"));
    const { rate, payloadBytes } = await readJson(c, generatorRequestSchema);
    channel.generator.set(rate, payloadBytes);
    return c.json(channel.generator.state());
  });

  app.post("/api/channels/:ch/disconnect", (c) => {
    requireAdmin(c);
    const channel = hub.find(c.req.param("ch"));
    return c.json({ disconnected: channel ? hub.cut("disconnect", channel) : 0 });
  });

  app.get("/api/metrics", (c) => c.json(counters.snapshot(hub.list().length)));
  app.get("/metrics", async (c) =>
    c.body(await prometheus.metrics(), 200, { "content-type": prometheus.contentType }),
  );
}
