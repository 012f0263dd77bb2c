import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./support/find-chromium.ts";
import { freePort } from "./support/free-port.ts";

// Resolved once in the main process; workers inherit it through the environment.
process.env.E2E_PORT ??= String(freePort());
process.env.E2E_CHROMIUM ??= findChromium();
const port = Number(process.env.E2E_PORT);
// E2E_SERVER_DIR runs the suite against another server build (a branch being merged, say).
const serverDir = process.env.E2E_SERVER_DIR ?? fileURLToPath(new URL("../apps/server", import.meta.url));

export default defineConfig({
  testDir: "tests",
  // Traces of failed tests and each test's own files. Not test-results/ itself: a run empties its
  // output folder first, and the unit tests (vitest, run before it) leave their report there.
  outputDir: "test-results/artifacts",
  timeout: 30_000,
  fullyParallel: false,
  // A stray test.only must fail CI, not pass it by running one test.
  forbidOnly: !!process.env.CI,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [
    ["list"],
    ["html", { open: "never", outputFolder: "playwright-report" }],
    ["json", { outputFile: "test-results/playwright.json" }],
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: { executablePath: process.env.E2E_CHROMIUM, args: CHROMIUM_ARGS },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  // The production server (not Vite's dev proxy, which hides SSE disconnects), serving the web build.
  // One server for the whole run, and every test reaches it from one address (127.0.0.1), as a class
  // behind a NAT does: a channel with messages stays until the server stops and counts against the
  // address that created it, so with the default MAX_CHANNELS_PER_ADDRESS (20) the run's 21st such
  // channel got 503 channel_limit and that test's lanes reconnected until it timed out (the last
  // spec's, whichever it was). 100 is docs/security.md's value for many clients on one address;
  // MAX_CHANNELS (default 100) goes to 200 so that the per-address limit is the one a run meets.
  webServer: {
    command: "node dist/main.mjs",
    cwd: serverDir,
    url: `http://127.0.0.1:${port}/healthz`,
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      RATE_LIMIT: "0",
      MAX_CHANNELS_PER_ADDRESS: "100",
      MAX_CHANNELS: "200",
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
