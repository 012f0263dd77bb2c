import type { LinksResponse } from "@transport-lab/protocol";
import { expect, openLab, test } from "../support/lab-page.ts";

// The Network selector is the server's GET /api/links, not a list of the page's own: every link
// the server offers, in its order, each with the server's own description; choosing one puts
// every lane's requests under that link's baseUrl.

test("the Network selector lists exactly the server's links, and a choice sends every lane through it", async ({
  page,
  baseURL,
  newChannel,
}) => {
  const { links } = (await (await fetch(`${baseURL}/api/links`)).json()) as LinksResponse;
  expect(links.length).toBeGreaterThan(0);
  const asked = page.waitForRequest((r) => new URL(r.url()).pathname === "/api/links");
  const ch = newChannel("network-picker");
  await openLab(page, { channel: ch });
  await asked;

  const select = page.locator("select#network");
  const group = (label: string) =>
    select
      .locator(`optgroup[label="${label}"] option`)
      .evaluateAll((options) =>
        options.map((o) => ({ name: (o as HTMLOptionElement).value, title: (o as HTMLOptionElement).title })),
      );
  const faults = links.filter((l) => l.kind === "fault");
  expect((await group("Proxy and network faults")).map((o) => o.name)).toEqual(faults.map((l) => l.name));
  // A fault's option is titled with the server's words for it.
  expect((await group("Proxy and network faults")).map((o) => o.title)).toEqual(
    faults.map((l) => l.description),
  );
  expect((await group("Networks")).map((o) => o.name)).toEqual(
    links.filter((l) => l.kind === "network").map((l) => l.name),
  );

  const chosen = links.find((l) => l.kind === "network" && l.rttMs > 0);
  if (chosen === undefined) throw new Error("the server offers no network with a delay");
  // Every lane reopens under the link's prefix: its WebSocket, event stream, long poll and poll.
  const under = (url: string, end: string) => {
    const path = new URL(url).pathname;
    return path.startsWith(`${chosen.baseUrl}/api/channels/${ch}/`) && path.endsWith(end);
  };
  const through = (end: string) => page.waitForRequest((r) => under(r.url(), end));
  const seen = Promise.all([
    page.waitForEvent("websocket", (ws) => under(ws.url(), "/ws")),
    through("/sse"),
    through("/long-poll"),
    through("/poll"),
  ]);
  await select.selectOption(chosen.name);
  await seen;
  await expect(page).toHaveURL(new RegExp(`[?&]network=${chosen.name}(&|$)`));
  const note = page.locator(".network-note");
  await expect(note).toContainText(`Network: ${chosen.name}`);
  await expect(note).toContainText(chosen.description);
});
