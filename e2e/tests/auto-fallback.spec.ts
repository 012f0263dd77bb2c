import type { Page } from "@playwright/test";
import type { TransportName } from "@transport-lab/protocol";
import { TRANSPORT_COLORS } from "@transport-lab/report";
import { expect, expectCaughtUp, figure, panel, stateOf, test } from "../support/lab-page.ts";
import { OwnServer } from "../support/own-server.ts";
import { serverDriver } from "../support/server-driver.ts";

// The single view in Auto, in Chromium, through the server's own fault links: each fault ends on
// the transport that gets through, within the time docs/architecture.md gives ("Automatic fallback"), with every message
// delivered once; a server restart stays on WebSocket. Auto's open timeout is the default (3 s).

/** Auto's decisions as the timeline shows them: `tried outcome action next`, when each attempt began and when it was decided (ms since the first began). */
async function decisions(page: Page): Promise<{ step: string; sinceMs: number; doneMs: number }[]> {
  return page.locator(".fallback-timeline li[data-step]").evaluateAll((rows) =>
    rows.map((r) => {
      const sinceMs = Number(r.getAttribute("data-since-ms"));
      return {
        step: r.getAttribute("data-step") ?? "",
        sinceMs,
        doneMs: sinceMs + Number(r.getAttribute("data-took-ms")),
      };
    }),
  );
}

/** The page's short names (apps/web `TRANSPORT_STYLE`). */
const SHORT: Readonly<Record<TransportName, string>> = {
  ws: "WS",
  sse: "SSE",
  longPoll: "Long poll",
  poll: "Poll",
};

/** `#d55e00` → `rgb(213, 94, 0)`, as computed styles give colours. */
function hexToRgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

const CASES: readonly {
  readonly network: string;
  readonly ends: TransportName;
  readonly steps: readonly string[];
  /** When the last transport may open, ms after the first attempt began (docs/architecture.md, "Automatic fallback"). */
  readonly within: readonly [number, number];
}[] = [
  {
    network: "ws-blocked",
    ends: "sse",
    steps: ["ws failed fall_back sse", "sse opened use sse"],
    within: [0, 1000],
  },
  {
    network: "ws-dropped",
    ends: "sse",
    steps: ["ws timeout fall_back sse", "sse opened use sse"],
    within: [3000, 4500],
  },
  {
    network: "buffering-proxy",
    ends: "longPoll",
    steps: ["ws failed fall_back sse", "sse timeout fall_back longPoll", "longPoll opened use longPoll"],
    within: [3000, 4500],
  },
];

for (const c of CASES) {
  test(`Auto over ${c.network} ends on ${c.ends} in time, nothing lost`, async ({
    page,
    api,
    newChannel,
  }) => {
    const ch = newChannel(`auto-${c.network}`);
    await page.goto(
      `/?${new URLSearchParams({ channel: ch, view: "single", transport: "auto", network: c.network })}`,
    );
    // Once the page has its start point (the channel head, 0): the pill leaves "Connecting…".
    await expect(page.locator(".status-pill")).toBeVisible();
    await expect(page.locator(".status-pill")).not.toHaveText("Connecting…");
    // Messages published while Auto tries: 5 msg/s keeps the buffering proxy far from its 16 KiB.
    await api.generator(ch, 5);
    try {
      await expect(stateOf(panel(page, c.ends))).toHaveText(/^Open/, { timeout: 15_000 });
      await page.waitForTimeout(1000);
    } finally {
      await api.generator(ch, 0);
    }
    const seen = await decisions(page);
    expect(seen.map((d) => d.step)).toEqual(c.steps);
    const last = seen.at(-1)?.doneMs ?? Number.NaN;
    console.log(`${c.network}: ${seen.map((d) => `${d.step} @${d.doneMs} ms`).join(", ")}`);
    expect(last).toBeGreaterThanOrEqual(c.within[0]);
    expect(last).toBeLessThanOrEqual(c.within[1]);
    const head = await api.head(ch);
    expect(head.seq).toBeGreaterThan(0);
    await expectCaughtUp(page, [c.ends], head, head.seq);
    // The pressed Auto button names the transport and wears its colour (it was white on white).
    const auto = page.getByRole("button", { name: `Auto (${SHORT[c.ends]})` });
    await expect(auto).toHaveAttribute("aria-pressed", "true");
    await expect(auto).toHaveCSS("background-color", hexToRgb(TRANSPORT_COLORS[c.ends]));
    const check = page.getByRole("region", { name: "Nothing lost, nothing repeated?" });
    await expect(check).toContainText("Every seq was the previous one + 1.");
    // The page checked Auto's moves like switches it asked for: the last one lost nothing.
    await expect(check.locator("tbody tr").last()).toContainText("nothing lost, nothing repeated");
  });
}

test("Auto on WebSocket stays on WebSocket through a server restart", async ({ page }) => {
  const own = new OwnServer();
  await own.start();
  try {
    const api = serverDriver(own.url);
    const ch = "e2e-auto-restart";
    await page.goto(`${own.url}/?${new URLSearchParams({ channel: ch, view: "single", transport: "auto" })}`);
    const ws = panel(page, "ws");
    await expect(stateOf(ws)).toHaveText("Open", { timeout: 15_000 });
    await own.stop();
    await expect(stateOf(ws)).toHaveText(/^Reconnecting/, { timeout: 10_000 });
    await page.waitForTimeout(1500);
    await own.start();
    await expect(stateOf(ws)).toHaveText("Open (reconnected)", { timeout: 20_000 });
    const head = await api.generate(ch, 10, 20);
    await expect(figure(ws, "Cursor")).toHaveText(`${head.epoch}:${head.seq}`, { timeout: 10_000 });
    const steps = (await decisions(page)).map((d) => d.step);
    expect(steps[0]).toBe("ws opened use ws");
    expect(steps.at(-1)).toBe("ws opened use ws");
    // While the server was away plain HTTP failed too: Auto retried WebSocket and never left it.
    expect(steps.filter((s) => !s.startsWith("ws "))).toEqual([]);
    expect(steps).toContain("ws failed retry ws");
    await expect(page.getByRole("button", { name: "Auto (WS)" })).toHaveAttribute("aria-pressed", "true");
  } finally {
    await own.stop();
  }
});
