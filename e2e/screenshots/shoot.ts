// Takes the README's screenshots (and any view at any size) from a production server of its own:
// `pnpm --filter @transport-lab/e2e screenshots [outDir] [only]`. Not part of the test run.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "../support/find-chromium.ts";
import { OwnServer } from "../support/own-server.ts";

interface Shot {
  readonly name: string;
  readonly query: Record<string, string>;
  readonly size: { readonly width: number; readonly height: number };
  /** Generator rate while the shot is prepared (0: none). */
  readonly rate?: number;
  readonly waitMs?: number;
  readonly before?: (page: Page) => Promise<void>;
  readonly fullPage?: boolean;
}

const PROJECTOR = { width: 1280, height: 720 };
const WIDE = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };

const shots: Shot[] = [
  { name: "compare", query: {}, size: { width: 1440, height: 1000 }, rate: 10 },
  { name: "compare-1920", query: {}, size: WIDE, rate: 10 },
  { name: "compare-1280-large", query: { large: "1" }, size: PROJECTOR, rate: 10 },
  { name: "phone", query: {}, size: PHONE, rate: 10, fullPage: true },
  { name: "wire", query: { view: "wire" }, size: { width: 1440, height: 1000 }, rate: 2 },
  { name: "learn", query: { view: "learn" }, size: { width: 1440, height: 1000 }, rate: 10 },
  { name: "lesson", query: { view: "lesson", step: "3", large: "1" }, size: PROJECTOR, waitMs: 6000 },
  { name: "lesson-disconnect", query: { view: "lesson", step: "6", large: "1" }, size: PROJECTOR, waitMs: 2000,
    before: async (page) => {
      await page.getByRole("button", { name: "Disconnect everyone" }).click();
      await sleep(3000);
    } },
  { name: "lesson-phone", query: { view: "lesson", step: "3" }, size: PHONE, waitMs: 4000, fullPage: true },
  { name: "class", query: { view: "class" }, size: { width: 1440, height: 1000 }, rate: 10 },
  { name: "single", query: { view: "single" }, size: { width: 1440, height: 1000 }, rate: 10 },
  { name: "chat", query: { view: "chat" }, size: { width: 1440, height: 900 } },
  { name: "large-type", query: { large: "1" }, size: WIDE, rate: 10 },
  { name: "loss", query: { poll: "4000" }, size: { width: 1440, height: 1000 }, rate: 500, waitMs: 9000 },
  { name: "runs", query: { view: "runs" }, size: { width: 1440, height: 900 } },
];

const outDir = process.argv[2] ?? "screenshots-out";
const only = process.argv[3];
mkdirSync(outDir, { recursive: true });
const server = new OwnServer(undefined, { HISTORY: "1000" });
await server.start();
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  for (const shot of shots) {
    if (only !== undefined && !shot.name.startsWith(only)) continue;
    const channel = `shot-${shot.name}`;
    const context = await browser.newContext({ viewport: shot.size, baseURL: server.url });
    const page = await context.newPage();
    await page.goto(`/?${new URLSearchParams({ channel, ...shot.query }).toString()}`);
    await page.locator(".status-pill", { hasText: "Live" }).waitFor({ timeout: 20_000 });
    if (shot.rate !== undefined) {
      await fetch(`${server.url}/api/channels/${channel}/generator`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ rate: shot.rate, payloadBytes: 64 }),
      });
    }
    await sleep(shot.waitMs ?? 5000);
    await shot.before?.(page);
    await page.screenshot({ path: join(outDir, `${shot.name}.png`), fullPage: shot.fullPage ?? false });
    await fetch(`${server.url}/api/channels/${channel}/generator`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rate: 0 }),
    });
    await context.close();
    console.log(`${shot.name}.png`);
  }
} finally {
  await browser.close();
  await server.stop();
}
