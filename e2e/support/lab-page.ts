import { readFile } from "node:fs/promises";
import { test as base, expect, type Locator, type Page } from "@playwright/test";
import { TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";
import { type ChannelHead, type ServerDriver, serverDriver, uniqueChannel } from "./server-driver.ts";

/** A lane of the compare view: one of the four transports, or Socket.IO (on with `vs=socketio`). */
export type LaneName = TransportName | "socketio";

/** The five lanes of the "vs Socket.IO" comparison, in the page's order. */
export const FIVE_LANES: readonly LaneName[] = [...TRANSPORT_NAMES, "socketio"];

/** How the page names each lane (apps/web `TRANSPORT_STYLE`). */
export const LABELS: Readonly<Record<LaneName, string>> = {
  ws: "WebSocket",
  sse: "Server-Sent Events",
  longPoll: "Long polling",
  poll: "Interval polling",
  socketio: "Socket.IO",
};

/** A transport's panel (compare view; in the single view the one panel is the current transport's). */
export function panel(page: Page, transport: LaneName): Locator {
  return page.locator(`section[aria-labelledby="panel-${transport}"]`);
}

/** The value cell of one labelled figure of a panel ("Messages", "HTTP requests", "Wire in", …). */
export function figure(of: Locator, label: string): Locator {
  return of.locator(`dl.figures dt:text-is("${label}") + dd`);
}

/** The bold state word of a panel: "Open", "Open (reconnected)", "Reconnecting (attempt 2)", … */
export function stateOf(of: Locator): Locator {
  return of.locator("p.state-line strong");
}

/** Opens the app with `query` (e.g. `{ channel, view: "single" }`) and waits until every panel (or chat column) shown is open. */
export async function openLab(
  page: Page,
  query: Record<string, string>,
  transports: readonly LaneName[] = TRANSPORT_NAMES,
): Promise<void> {
  await page.goto(`/?${new URLSearchParams(query).toString()}`);
  for (const t of transports) {
    const shown = page.locator(`section[aria-labelledby="panel-${t}"], section[aria-labelledby="chat-${t}"]`);
    await expect(stateOf(shown)).toHaveText(/^Open/, { timeout: 15_000 });
  }
  await expect(page.locator(".status-pill")).toHaveText("Live");
}

/**
 * Waits until each transport's panel shows the channel's head as its cursor, `messages`
 * delivered, and no gap, duplicate or reordering.
 */
export async function expectCaughtUp(
  page: Page,
  transports: readonly TransportName[],
  head: ChannelHead,
  messages: number,
): Promise<void> {
  for (const t of transports) {
    const p = panel(page, t);
    // Interval polling answers once a second and may be backing off after a fault: allow for it.
    await expect(figure(p, "Cursor"), t).toHaveText(`${head.epoch}:${head.seq}`, { timeout: 20_000 });
    await expect(figure(p, "Messages"), t).toHaveText(messages.toLocaleString("en-US"));
    await expect(figure(p, "Gaps / dup / reord"), t).toHaveText("0 / 0 / 0");
  }
}

/** A figure as the page shows it: the value and how far the display's rounding can be from it. */
export interface ShownFigure {
  readonly text: string;
  readonly value: number;
  readonly rounding: number;
}

const UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** Parses `formatBytes` / `formatCount` output (`"12.3 KiB"`, `"512 B"`, `"1,234"`). */
export function parseShown(text: string): ShownFigure {
  const bytes = /^(-?[\d.]+) (B|KiB|MiB|GiB)/.exec(text.trim());
  if (bytes !== null) {
    const [, num = "", unit = "B"] = bytes;
    const scale = UNITS[unit] ?? 1;
    const decimals = num.split(".")[1]?.length ?? 0;
    return { text, value: Number(num) * scale, rounding: (scale * 10 ** -decimals) / 2 };
  }
  const count = /^-?[\d,]+$/.exec(text.trim());
  if (count !== null) return { text, value: Number(text.trim().replaceAll(",", "")), rounding: 0 };
  throw new Error(`not a figure: ${JSON.stringify(text)}`);
}

/** Reads one panel's cost figures as shown. */
export async function readCost(page: Page, transport: LaneName) {
  const p = panel(page, transport);
  // "Wire in" ends with its source tag ("12.3 KiBcomputed"): the parser reads the leading figure.
  const read = async (label: string) => parseShown((await figure(p, label).textContent()) ?? "");
  return {
    requests: await read("HTTP requests"),
    bytesIn: await read("Wire in"),
    bytesOut: await read("Wire out"),
    messages: await read("Messages"),
  };
}

/** How long an export may take to start its download before {@link exported} says what the page saw. */
const DOWNLOAD_START_MS = 20_000;

/**
 * Presses an export button ("Export JSON", a saved run's "CSV", …; the `nth` of that name) and reads the download.
 * If no download starts, the error lists the clicks the page received (the button's, then the
 * export's own click of its download link), so that a missing download says where it got lost.
 */
export async function exported(page: Page, name: string, nth = 0): Promise<string> {
  await page.evaluate(() => {
    const w = window as unknown as { __exportClicks?: string[] };
    if (w.__exportClicks !== undefined) return;
    const clicks: string[] = [];
    w.__exportClicks = clicks;
    document.addEventListener(
      "click",
      (e) => {
        const el = e.target as HTMLElement;
        const what = el instanceof HTMLAnchorElement ? `a download=${el.download}` : (el.textContent ?? "");
        clicks.push(`${Math.round(performance.now())} ms: ${el.tagName} ${what.slice(0, 60)}`);
      },
      true,
    );
  });
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: DOWNLOAD_START_MS }).catch(async (err: Error) => {
      const clicks = await page
        .evaluate(() => (window as unknown as { __exportClicks?: string[] }).__exportClicks ?? [])
        .catch(() => ["(the page did not answer)"]);
      throw new Error(
        `no download after pressing "${name}": ${err.message}; clicks the page saw: ${clicks.join("; ") || "none"}`,
      );
    }),
    page.getByRole("button", { name, exact: true }).nth(nth).click(),
  ]);
  return readFile(await download.path(), "utf8");
}

/** Records two 5 s windows with "Record", the generator at 20 then 40 msg/s, and stops the generator. */
export async function recordTwoWindows(page: Page, api: ServerDriver, channel: string): Promise<void> {
  await page.getByLabel("Window").selectOption("5");
  for (const rate of [20, 40]) {
    await api.generator(channel, rate);
    await page.getByRole("button", { name: "Record 5 s" }).click();
    await expect(page.getByRole("status").filter({ hasText: /^Recording/ })).toContainText("s left");
    await expect(page.getByRole("button", { name: "Record 5 s" })).toBeVisible({ timeout: 10_000 });
  }
  await api.generator(channel, 0);
}

/** Fixtures of every test: the shared server's API and fresh channels. */
export interface LabFixtures {
  readonly api: ServerDriver;
  /** A channel no other test uses; its generator is stopped when the test ends, whatever happened. */
  readonly newChannel: (prefix: string) => string;
}

/** Playwright's `test` with {@link LabFixtures}. */
export const test = base.extend<LabFixtures>({
  api: async ({ baseURL }, use) => {
    await use(serverDriver(baseURL as string));
  },
  // Not `channel`: that name is Playwright's browser-channel option.
  newChannel: async ({ api }, use) => {
    const made: string[] = [];
    await use((prefix) => {
      const name = uniqueChannel(prefix);
      made.push(name);
      return name;
    });
    // A failed test must not leave a generator loading the server for the next ones.
    for (const name of made) await api.generator(name, 0).catch(() => {});
  },
});

export { expect };
