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
  /** A student's page (no teacher link); the others open the teacher link. */
  readonly student?: boolean;
  readonly query: Record<string, string>;
  readonly size: { readonly width: number; readonly height: number };
  /** Generator rate while the shot is prepared (0: none). */
  readonly rate?: number;
  readonly waitMs?: number;
  readonly before?: (page: Page) => Promise<void>;
  /** Runs after the screenshot (to put back what `before` took away). */
  readonly after?: () => Promise<void>;
  readonly fullPage?: boolean;
  /** False where some lane never opens (a fault network): wait for the page, not for "Live". */
  readonly live?: boolean;
}

const PROJECTOR = { width: 1280, height: 720 };
const WIDE = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };

/**
 * The single view in Auto over `network` at the three sizes. On a phone the timeline comes below
 * the transport picker, so the whole page is taken.
 */
function autoSingle(prefix: string, network: string, rate: number, waitMs: number): Shot[] {
  const sizes = { "1280": PROJECTOR, "1920": WIDE, phone: PHONE };
  return Object.entries(sizes).map(([suffix, size]) => ({
    name: `${prefix}-${suffix}`,
    query: { view: "single", transport: "auto", network },
    size,
    rate,
    waitMs,
    fullPage: suffix === "phone",
  }));
}

const shots: Shot[] = [
  { name: "compare", query: {}, size: { width: 1440, height: 1000 }, rate: 10 },
  { name: "compare-1920", query: {}, size: WIDE, rate: 10 },
  { name: "compare-1280-large", query: { large: "1" }, size: PROJECTOR, rate: 10 },
  { name: "phone", query: {}, size: PHONE, rate: 10 },
  {
    name: "phone-student",
    query: { view: "chat" },
    size: PHONE,
    before: async (page) => {
      await page.getByLabel("Your name").fill("ada");
      await page.getByLabel("Message").fill("hello from a phone");
      await page.getByRole("button", { name: "Send" }).click();
      await sleep(1500);
    },
  },
  { name: "wire", query: { view: "wire" }, size: { width: 1440, height: 1000 }, rate: 2 },
  { name: "learn", query: { view: "learn" }, size: { width: 1440, height: 1000 }, rate: 10 },
  { name: "lesson", query: { view: "lesson", step: "3", large: "1" }, size: PROJECTOR, waitMs: 6000 },
  {
    name: "lesson-disconnect",
    query: { view: "lesson", step: "6", large: "1" },
    size: PROJECTOR,
    waitMs: 2000,
    before: async (page) => {
      await page.getByRole("button", { name: "Disconnect everyone", exact: true }).click();
      await sleep(3000);
    },
  },
  { name: "lesson-phone", query: { view: "lesson", step: "3" }, size: PHONE, waitMs: 4000 },
  { name: "class", query: { view: "class" }, size: { width: 1440, height: 1000 }, rate: 10 },
  { name: "single", query: { view: "single" }, size: { width: 1440, height: 1000 }, rate: 10 },
  { name: "chat", query: { view: "chat" }, size: { width: 1440, height: 900 } },
  { name: "large-type", query: { large: "1" }, size: WIDE, rate: 10 },
  { name: "loss", query: { poll: "4000" }, size: { width: 1440, height: 1000 }, rate: 500, waitMs: 9000 },
  {
    name: "runs",
    query: {},
    size: { width: 1440, height: 1000 },
    rate: 20,
    waitMs: 1000,
    before: async (page) => {
      await page.getByLabel("Window").selectOption("5");
      for (const rate of [20, 200]) {
        await setGenerator(page.url(), rate);
        await page.getByRole("button", { name: "Record 5 s" }).click();
        await page.getByRole("button", { name: "Record 5 s" }).waitFor({ timeout: 15_000 });
      }
      await page.getByRole("button", { name: "Runs", exact: true }).click();
      for (const box of await page.getByRole("checkbox").all()) await box.check();
    },
  },
  // The "vs Socket.IO" comparison (five panels, five lines), and the Wire tab on its lane alone.
  ...(
    [
      ["socketio-phone", PHONE],
      ["socketio-1280", PROJECTOR],
      ["socketio-1920", WIDE],
    ] as const
  ).flatMap(([name, size]) => [
    { name, query: { vs: "socketio" }, size, rate: 2, waitMs: 4000, fullPage: size === PHONE },
    {
      name: `${name.replace("socketio", "socketio-wire")}`,
      query: { vs: "socketio", view: "wire" },
      size,
      rate: 2,
      waitMs: 3000,
      before: async (page: Page) => {
        await page.getByLabel("Transport").selectOption("socketio");
        await sleep(500);
      },
    },
  ]),
  { name: "student", query: {}, size: { width: 1440, height: 900 }, rate: 10, student: true },
  {
    name: "bad-link",
    query: { view: "nope", poll: "fast", timeout: "5", paused: "ws,carrier-pigeon", colour: "red" },
    size: { width: 1440, height: 900 },
  },
  // Networks and Auto (docs/network-links.md): every lane through one emulated link.
  { name: "network-compare-1920", query: { network: "4g" }, size: WIDE, rate: 10, waitMs: 7000 },
  { name: "network-compare-1280", query: { network: "4g" }, size: PROJECTOR, rate: 10, waitMs: 7000 },
  { name: "network-phone", query: { network: "4g" }, size: PHONE, rate: 10, waitMs: 7000 },
  // Few messages, so that the buffering proxy never fills its 16 KiB: SSE stays held back.
  ...autoSingle("auto-single", "buffering-proxy", 2, 9000),
  // The upgrade succeeds and carries nothing: Auto leaves WebSocket after its 3 s open timeout.
  ...autoSingle("auto-dropped", "ws-dropped", 5, 7000),
  {
    name: "auto-wire-1920",
    query: { view: "wire", wire: "single", transport: "auto", network: "ws-dropped" },
    size: WIDE,
    rate: 2,
    waitMs: 8000,
  },
  { name: "learn-network-1920", query: { view: "learn", network: "4g" }, size: WIDE, rate: 10, waitMs: 8000 },
  {
    name: "learn-fault-1280",
    query: { view: "learn", network: "buffering-proxy" },
    size: PROJECTOR,
    rate: 2,
    waitMs: 8000,
    live: false,
  },
  // The last two stop and restart the server: a new process is a new epoch for every channel.
  {
    name: "unreachable",
    query: { poll: "500" },
    size: { width: 1440, height: 900 },
    rate: 10,
    before: async (page) => {
      await stopAndWait(page);
      await sleep(1000);
    },
    after: () => server.start(),
  },
  {
    name: "recovered",
    query: { poll: "500" },
    size: { width: 1440, height: 900 },
    rate: 10,
    before: async (page) => {
      await stopAndWait(page);
      await server.start();
      await setGenerator(page.url(), 10);
      await page.locator(".status-pill", { hasText: "Live" }).waitFor({ timeout: 30_000 });
      await sleep(4000);
    },
  },
];

const outDir = process.argv[2] ?? "screenshots-out";
const only = process.argv[3];
mkdirSync(outDir, { recursive: true });
const TOKEN = "screenshot-teacher-token";
const server = new OwnServer(undefined, { HISTORY: "1000", ADMIN_TOKEN: TOKEN });

/** Stops the server and waits until the page says it is unreachable. */
async function stopAndWait(page: Page): Promise<void> {
  await server.stop();
  await page.getByRole("heading", { name: "Server unreachable" }).waitFor({ timeout: 20_000 });
}

/** Sets the generator of the channel of a page's URL, with the teacher's token. */
async function setGenerator(pageUrl: string, rate: number): Promise<void> {
  const channel = new URL(pageUrl).searchParams.get("channel");
  await fetch(`${server.url}/api/channels/${channel}/generator`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ rate, payloadBytes: 64 }),
  });
}
await server.start();
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  for (const shot of shots) {
    if (only !== undefined && !shot.name.startsWith(only)) continue;
    const channel = `shot-${shot.name}`;
    const context = await browser.newContext({ viewport: shot.size, baseURL: server.url });
    const page = await context.newPage();
    const teacher = shot.student === true ? "" : `#teacher=${TOKEN}`;
    await page.goto(`/?${new URLSearchParams({ channel, ...shot.query }).toString()}${teacher}`);
    await page
      .locator(".status-pill", shot.live === false ? {} : { hasText: "Live" })
      .waitFor({ timeout: 20_000 });
    if (shot.rate !== undefined) await setGenerator(page.url(), shot.rate);
    await sleep(shot.waitMs ?? 5000);
    await shot.before?.(page);
    await page.screenshot({ path: join(outDir, `${shot.name}.png`), fullPage: shot.fullPage ?? false });
    await shot.after?.();
    await setGenerator(page.url(), 0);
    await context.close();
    console.log(`${shot.name}.png`);
  }
} finally {
  await browser.close();
  await server.stop();
}
