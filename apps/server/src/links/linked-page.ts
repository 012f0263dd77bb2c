import type { IncomingMessage } from "node:http";
import { linkBaseUrl } from "@transport-lab/protocol";

const VIA = Symbol("transport-lab.via-link");
type ViaRequest = IncomingMessage & { [VIA]?: string };

/** Notes that `req` came in under `/link/<name>/` (its URL no longer says so once the prefix is cut). */
export function markViaLink(req: IncomingMessage, name: string): void {
  (req as ViaRequest)[VIA] = name;
}

/** The link `req` came in under, if any. */
export const viaLinkOf = (req: IncomingMessage): string | undefined => (req as ViaRequest)[VIA];

/**
 * Runs first in a page served under a link: same-origin URLs given to `fetch`, `WebSocket` and
 * `EventSource` get the link's prefix, so the page's API calls and connections go through the link
 * as its assets do. The web app builds them from `location.origin` and absolute paths; a path-
 * rewriting proxy would do the same to them.
 */
const shim = (prefix: string) =>
  `<script>(()=>{const p=${JSON.stringify(prefix)};` +
  `const fix=(u)=>{const url=new URL(String(u),location.href);` +
  `if(url.host!==location.host||url.pathname.startsWith("/link/"))return u;` +
  `url.pathname=p+url.pathname;return url.href};` +
  `const f=window.fetch;window.fetch=function(i,o){return f.call(this,i instanceof Request?new Request(fix(i.url),i):fix(i),o)};` +
  `for(const n of ["WebSocket","EventSource"]){const C=window[n];` +
  `window[n]=class extends C{constructor(u,o){super(fix(u),o)}}}})();</script>`;

/**
 * The web app's `index.html` as served under link `name`: its `/assets/` references and, through
 * a small script that runs before the app, its requests to this server carry the link's prefix.
 */
export function pageThroughLink(index: string, name: string): string {
  const prefix = linkBaseUrl(name);
  return index
    .replaceAll(/(src|href)="\/assets\//g, `$1="${prefix}/assets/`)
    .replace(/<head>/i, (head) => `${head}${shim(prefix)}`);
}
