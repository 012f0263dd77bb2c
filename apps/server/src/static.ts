import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import type { NodeBindings } from "./context.ts";
import { ApiError } from "./errors.ts";

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Transport Lab</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Transport Lab server</h1>
<p>The web app is not built yet (<code>pnpm --filter @transport-lab/web build</code>). The API is up:</p>
<ul>
<li><a href="/healthz">/healthz</a>, <a href="/api/time">/api/time</a>, <a href="/api/channels">/api/channels</a>, <a href="/api/metrics">/api/metrics</a>, <a href="/metrics">/metrics</a></li>
<li><code>curl -N "http://HOST/api/channels/chat/sse?cursor=earliest"</code></li>
</ul>
</body></html>`;

/** True when a segment of the path (percent-decoded) starts with a dot. */
export function hasDotSegment(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a malformed escape: judge the raw text
  }
  return decoded.split(/[/\\]/).some((segment) => segment.startsWith("."));
}

/**
 * Serves the built web app at `/` (hashed assets cached for a year,
 * `index.html` for every other non-API path so client-side routes work), or
 * a small placeholder page when there is no build.
 */
export function mountStatic(app: Hono<NodeBindings>, dir: string | undefined): void {
  const indexPath = dir === undefined ? undefined : join(dir, "index.html");
  if (indexPath === undefined || !existsSync(indexPath)) {
    app.get("/", (c) => c.html(PLACEHOLDER));
    return;
  }
  const root = dir as string;
  // Dotfiles (`.env`, `.git/`, editor swap files) are never part of a web build: 404, not served.
  app.use("/*", async (c, next) => {
    if (hasDotSegment(c.req.path)) throw new ApiError(404, "not_found", `no route for GET ${c.req.path}`);
    await next();
  });
  app.use(
    "/assets/*",
    serveStatic({
      root,
      onFound: (_path, c) => {
        c.header("cache-control", "public, max-age=31536000, immutable");
      },
    }),
  );
  // The same page at the root and under `/link/<name>/`: its assets are relative, and the app
  // takes the link from its own path (apps/web page-base.ts).
  const index = readFileSync(indexPath, "utf8");
  app.use("/*", serveStatic({ root }));
  app.get("*", (c, next) => {
    if (c.req.path.startsWith("/api/")) return next();
    c.header("cache-control", "no-cache");
    return c.html(index);
  });
}
