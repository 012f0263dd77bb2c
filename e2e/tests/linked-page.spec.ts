import { expect, stateOf, test } from "../support/lab-page.ts";

// A page opened under /link/<name>/ must use that link for everything it asks of the server:
// its assets, its API calls, its event stream, polls and WebSocket. The web build's assets are
// relative, and the app takes its API base from its own path (apps/web/src/lib/page-base.ts).

test("the lab opened under /link/lan/ loads and connects only through /link/lan/", async ({
  page,
  newChannel,
}) => {
  const ch = newChannel("linked");
  const requests: string[] = [];
  const sockets: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(`/link/lan/?channel=${ch}`);
  for (const t of ["ws", "sse", "longPoll", "poll"]) {
    await expect(stateOf(page.locator(`section[aria-labelledby="panel-${t}"]`))).toHaveText(/^Open/, {
      timeout: 15_000,
    });
  }
  await expect(page.locator(".status-pill")).toHaveText("Live");
  // The figures went through lan: the Network selector (and so the exports) say so.
  await expect(page.locator("#network")).toHaveValue("lan");
  const paths = [...requests, ...sockets].map((u) => new URL(u)).filter((u) => u.protocol !== "data:");
  const outside = paths.filter((u) => !u.pathname.startsWith("/link/lan/")).map((u) => u.href);
  expect(outside).toEqual([]);
  const seen = (re: RegExp) => paths.some((u) => re.test(u.pathname));
  expect(seen(/^\/link\/lan\/assets\/.+\.js$/), "the app's script").toBe(true);
  expect(seen(/^\/link\/lan\/api\/admin$/), "an API call").toBe(true);
  expect(seen(new RegExp(`^/link/lan/api/channels/${ch}/sse$`)), "the event stream").toBe(true);
  expect(seen(new RegExp(`^/link/lan/api/channels/${ch}/long-poll$`)), "the long poll").toBe(true);
  expect(
    sockets.some((u) => new URL(u).pathname === `/link/lan/api/channels/${ch}/ws`),
    "the WebSocket",
  ).toBe(true);
});
