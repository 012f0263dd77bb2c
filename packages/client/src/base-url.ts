/**
 * An absolute base URL without trailing slash. In a page, `""` or a path resolves against the
 * page's location (the web app passes `""` when it is served by the same origin).
 */
export function resolveBaseUrl(baseUrl: string): string {
  const page = (globalThis as { location?: { href: string } }).location?.href;
  let url: URL;
  try {
    url = page === undefined ? new URL(baseUrl) : new URL(baseUrl === "" ? "/" : baseUrl, page);
  } catch {
    throw new TypeError(`baseUrl must be an absolute http(s) URL here, got ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`baseUrl must be http(s), got ${JSON.stringify(baseUrl)}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
