import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

/** Flags for a root user on a closed network (see the README's e2e section). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const say = (line: string) => process.stderr.write(`[e2e] ${line}\n`);

function installedBrowser(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
  }
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (existsSync(path)) return path;
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own here.
  }
  return undefined;
}

/**
 * The Chromium to test with: `CHROMIUM_PATH`, Debian's `chromium`, or
 * Playwright's own download. When none is installed it installs one
 * (Playwright's download where that works, else Debian's package as root)
 * and says so; when neither works it fails naming the fix.
 */
export function findChromium(): string {
  const found = installedBrowser();
  if (found) return found;
  say("no Chromium found; trying `playwright install chromium`…");
  const pw = spawnSync("npx", ["playwright", "install", "chromium"], { stdio: "inherit", timeout: 300_000 });
  const own = pw.status === 0 ? installedBrowser() : undefined;
  if (own) return own;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync("/usr/bin/apt-get")) {
    say(
      "Playwright could not download a browser; installing Debian's chromium (apt-get install -y chromium)…",
    );
    try {
      execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", timeout: 300_000 });
      execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], {
        stdio: "inherit",
        timeout: 600_000,
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    } catch (err) {
      say(`apt-get failed: ${err instanceof Error ? err.message : err}`);
    }
    const debian = installedBrowser();
    if (debian) return debian;
  }
  throw new Error(
    "No Chromium for the browser tests. Install one with `sudo apt-get install -y chromium` (Debian/Ubuntu) " +
      "or `npx playwright install chromium`, or point CHROMIUM_PATH at a Chromium/Chrome binary.",
  );
}
