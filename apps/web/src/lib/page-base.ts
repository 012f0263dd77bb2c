import { LINK_NAME_PATTERN, LINK_PATH_PREFIX } from "@transport-lab/protocol";

/**
 * The link the page was opened through, from its own path (`/link/<name>/…`): `<name>`, or `""`
 * at the server's root. It is also the page's network while no other is chosen, so that what the
 * Network selector, the exports and saved runs say is the link the figures went through.
 */
export function pageLink(pathname: string): string {
  if (!pathname.startsWith(LINK_PATH_PREFIX)) return "";
  const name = pathname.slice(LINK_PATH_PREFIX.length).split("/")[0] ?? "";
  return LINK_NAME_PATTERN.test(name) ? name : "";
}

/**
 * The path the page's server answers it under, from the page's own path: `/link/<name>` when the
 * page was opened through a link (`/link/<name>/…`), so that its API calls and connections go
 * through the same link as its assets; `""` at the server's root.
 */
export function pageBase(pathname: string): string {
  const name = pageLink(pathname);
  return name === "" ? "" : `${LINK_PATH_PREFIX}${name}`;
}
