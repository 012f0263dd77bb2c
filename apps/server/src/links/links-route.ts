import { type LinkInfo, type LinksResponse, linkBaseUrl } from "@transport-lab/protocol";
import type { Hono } from "hono";
import type { NodeBindings } from "../context.ts";
import type { LinkSpec } from "./presets.ts";

/** A link as the API lists it: its spec plus the path prefix that goes through it. */
export const linkInfo = ({ name, ...rest }: LinkSpec): LinkInfo => ({
  name,
  baseUrl: linkBaseUrl(name),
  ...rest,
});

/** `GET /api/links`: every link this server offers, with its figures and what it models. */
export function mountLinks(app: Hono<NodeBindings>, links: readonly LinkSpec[]): void {
  const body: LinksResponse = { links: links.map(linkInfo) };
  app.get("/api/links", (c) => c.json(body));
}
