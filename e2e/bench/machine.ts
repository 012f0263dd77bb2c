import { createRequire } from "node:module";
import os from "node:os";
import type { Browser } from "@playwright/test";
import type { MachineInfo, Versions } from "./bench-result.ts";

/** The machine a run is made on: CPU model, logical cores, memory, OS. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Node, Chromium (as the launched browser reports itself) and Playwright versions. */
export function versions(browser: Browser): Versions {
  const require = createRequire(import.meta.url);
  const playwright = (require("@playwright/test/package.json") as { version: string }).version;
  return { node: process.version, chromium: browser.version(), playwright };
}
