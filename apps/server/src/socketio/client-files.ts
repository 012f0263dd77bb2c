import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { SOCKET_IO_PATH } from "@transport-lab/protocol";

/** The browser builds of the Socket.IO client that socket.io ships, served as its own server would. */
const FILES = ["socket.io.js", "socket.io.min.js", "socket.io.esm.min.js"] as const;

/**
 * Serves `/socket.io/socket.io.js` (and the minified and ES module builds) from the installed
 * `socket.io` package, so that the explainer's `<script src="/socket.io/socket.io.js">` (or
 * `await import("/socket.io/socket.io.esm.min.js")` in a console) gives a page `io`. Read once,
 * kept in memory; 404 where the package's files cannot be found (a bundle run elsewhere).
 * Returns false for any other path.
 */
export function createClientFiles(): (req: IncomingMessage, res: ServerResponse) => boolean {
  const cache = new Map<string, Buffer | null>();
  const read = (name: string): Buffer | null => {
    if (!cache.has(name)) {
      try {
        const root = dirname(createRequire(import.meta.url).resolve("socket.io/package.json"));
        cache.set(name, readFileSync(join(root, "client-dist", name)));
      } catch {
        cache.set(name, null);
      }
    }
    return cache.get(name) ?? null;
  };
  return (req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const name = FILES.find((file) => path === `${SOCKET_IO_PATH}${file}`);
    if (name === undefined || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const body = read(name);
    if (body === null) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "not_found", message: `${name} is not installed here` } }));
      return true;
    }
    res.writeHead(200, {
      "content-type": "application/javascript; charset=utf-8",
      "content-length": body.length,
      "cache-control": "public, max-age=3600",
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
