import { type LinkInfo, type LinksResponse, linkBaseUrl, ROUTES } from "@transport-lab/protocol";
import type { Hono } from "hono";
import type { NodeBindings } from "../context.ts";
import type { LinkSpec } from "./presets.ts";

/** A link as the API lists it: its spec plus the path prefix that goes through it, fields in a stable order. */
export const linkInfo = (l: LinkSpec): LinkInfo => ({
  name: l.name,
  baseUrl: linkBaseUrl(l.name),
  kind: l.kind,
  rttMs: l.rttMs,
  downKbps: l.downKbps,
  upKbps: l.upKbps,
  jitterMs: l.jitterMs,
  lossPercent: l.lossPercent,
  stallMs: l.stallMs,
  bufferBytes: l.bufferBytes,
  idleTimeoutMs: l.idleTimeoutMs,
  upgrade: l.upgrade,
  description: l.description,
  source: l.source,
});

/** `GET /api/links`: every link this server offers, with its figures and what it models. */
export function mountLinks(app: Hono<NodeBindings>, links: readonly LinkSpec[]): void {
  const body: LinksResponse = { links: links.map(linkInfo) };
  app.get(ROUTES.links, (c) => c.json(body));
}
