import { type IncomingMessage, type RequestListener, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { LINK_PATH_PREFIX, ROUTES } from "@transport-lab/protocol";
import { ApiError } from "../errors.ts";
import type { UpgradeHandler } from "../transports/ws.ts";
import { type LinkedSocket, linkedOf, linkSocket, unlinkSocket } from "./linked-socket.ts";
import { checkLinks, type LinkSpec } from "./presets.ts";

/** Routes `/link/<name>/…` requests and upgrades through their link, everything else straight through. */
export interface LinkRouter {
  /** Wraps the app's request listener (give it to `http.createServer`). */
  requests(listener: RequestListener): RequestListener;
  /** Wraps the WebSocket upgrade handler; call {@link requests} first (a stripped upgrade is served as a request). */
  upgrades(handler: UpgradeHandler): UpgradeHandler;
}

const EMPTY = Buffer.alloc(0);
const HOP_BY_HOP = new Set(["upgrade", "connection", "sec-websocket-key", "sec-websocket-version"]);

/** A link that changes nothing (loopback): its requests go straight to the app, no socket is touched. */
const isClean = (l: LinkSpec) =>
  l.rttMs === 0 &&
  l.jitterMs === 0 &&
  l.stallMs === 0 &&
  l.downKbps === null &&
  l.upKbps === null &&
  l.bufferBytes === null &&
  l.idleTimeoutMs === null &&
  l.upgrade === "pass";

/** Size of a request head as the client sent it: request line, header lines, blank line. */
function headBytes(req: IncomingMessage, url: string): number {
  let bytes = (req.method ?? "GET").length + url.length + " HTTP/1.1\r\n".length + 3;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) bytes += (raw[i]?.length ?? 0) + (raw[i + 1]?.length ?? 0) + 4;
  return bytes;
}

/** A whole HTTP answer written straight to a socket that has no HTTP response object (an upgrade). */
function rawAnswer(socket: Duplex, status: string, body = ""): void {
  if (socket.destroyed) return;
  const type = body ? "Content-Type: text/plain; charset=utf-8\r\n" : "";
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\n${type}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Creates the router for a link table (checked here: a bad table fails at start, not on a request). */
export function createLinkRouter(links: readonly LinkSpec[]): LinkRouter {
  checkLinks(links);
  const byName = new Map(links.map((l) => [l.name, l]));
  let listener: RequestListener | undefined;

  /** `/link/<name>/rest?q` → the link (undefined when unknown) and `/rest?q`. */
  const split = (url: string) => {
    let end = LINK_PATH_PREFIX.length;
    while (end < url.length && url[end] !== "/" && url[end] !== "?") end += 1;
    const name = url.slice(LINK_PATH_PREFIX.length, end);
    const rest = url.slice(end);
    return { name, link: byName.get(name), rest: rest.startsWith("/") ? rest : `/${rest}` };
  };

  /**
   * A request that uses no link goes straight on. A socket that has used one leaves it once
   * everything of its link has arrived; until then the request queues behind what is in flight.
   */
  const straight = (socket: Socket, linked: LinkedSocket | undefined, dispatch: () => void) => {
    if (linked === undefined || unlinkSocket(socket)) return dispatch();
    linked.use(null);
    linked.arrive(0, false, dispatch);
  };

  /** buffering-proxy: forwards an upgrade without its hop-by-hop headers, so the server answers a plain GET. */
  const serveStripped = (req: IncomingMessage, socket: Socket) => {
    // `headers` is parsed lazily from `rawHeaders`: read it before `rawHeaders` changes.
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    const raw: string[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] as string;
      if (!HOP_BY_HOP.has(name.toLowerCase())) raw.push(name, req.rawHeaders[i + 1] as string);
    }
    req.headers = headers;
    req.rawHeaders = raw;
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once("finish", () => {
      res.detachSocket(socket);
      socket.end();
    });
    (listener as RequestListener)(req, res);
  };

  return {
    requests(inner) {
      listener = inner;
      return (req, res) => {
        const url = req.url ?? "/";
        const socket = req.socket;
        const linked = linkedOf(socket);
        if (!url.startsWith(LINK_PATH_PREFIX)) return straight(socket, linked, () => inner(req, res));
        const { name, link, rest } = split(url);
        if (!link) {
          const error = new ApiError(
            404,
            "not_found",
            `no link named "${name}"; GET ${ROUTES.links} lists them`,
          );
          res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify(error.toBody()));
          return;
        }
        // `/link/<name>` itself: the page's relative assets resolve against `/link/<name>/`.
        if (url.charAt(LINK_PATH_PREFIX.length + name.length) !== "/") {
          res.writeHead(308, { location: `${LINK_PATH_PREFIX}${name}/${rest.slice(1)}` }).end();
          return;
        }
        req.url = rest;
        if (isClean(link)) return straight(socket, linked, () => inner(req, res));
        const newConnection = linked === undefined && socket.bytesWritten === 0;
        const through = linked ?? linkSocket(socket);
        through.use(link);
        if (link.bufferBytes !== null) res.once("finish", through.flushHeld);
        // The body reaches the request through the uplink too.
        req.push = (chunk: Buffer | null) => through.upload(req, chunk);
        through.arrive(headBytes(req, url), newConnection, () => inner(req, res));
      };
    },

    upgrades(handler) {
      return (req, duplex, head) => {
        const url = req.url ?? "/";
        const socket = duplex as Socket;
        const linked = linkedOf(socket);
        if (!url.startsWith(LINK_PATH_PREFIX))
          return straight(socket, linked, () => handler(req, socket, head));
        const { link, rest } = split(url);
        if (!link) return rawAnswer(socket, "404 Not Found");
        req.url = rest;
        if (isClean(link)) return straight(socket, linked, () => handler(req, socket, head));
        const newConnection = linked === undefined && socket.bytesWritten === 0;
        const through = linked ?? linkSocket(socket);
        through.use(link);
        const relays = link.upgrade === "pass" || link.upgrade === "drop";
        if (relays) through.shapeReads();
        through.arrive(headBytes(req, url), newConnection, () => {
          switch (link.upgrade) {
            case "refuse":
              return rawAnswer(
                socket,
                "403 Forbidden",
                `WebSocket upgrades are not allowed on this network (link ${link.name}).\n`,
              );
            case "strip":
              return serveStripped(req, socket);
            case "drop":
              through.dropAfterHead();
              return handler(req, socket, EMPTY);
            case "pass":
              return handler(req, socket, EMPTY);
          }
        });
        // Bytes that came with the upgrade request follow it through the uplink.
        if (relays && head.length > 0) through.receive(head);
      };
    },
  };
}
