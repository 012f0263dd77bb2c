import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "@playwright/test";
import { freePort } from "./free-port.ts";

/** The server build under test: this tree's, or another one's (`E2E_SERVER_DIR`, e.g. a branch being merged). */
const serverDir = process.env.E2E_SERVER_DIR ?? fileURLToPath(new URL("../../apps/server", import.meta.url));

/**
 * A production server of the test's own (the shared `webServer` must not be touched), on a
 * port of its own, that the test can stop and start again on the same port: a new process is a
 * new epoch for every channel.
 */
export class OwnServer {
  #child: ChildProcess | undefined;
  readonly url: string;

  /** `env`: extra server settings (e.g. `{ HISTORY: "10000" }`) on top of the test defaults. */
  constructor(
    readonly port = freePort(),
    readonly env: Readonly<Record<string, string>> = {},
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the server and waits until `/healthz` answers. */
  async start(): Promise<void> {
    if (this.#child !== undefined) throw new Error("already running");
    const child = spawn(process.execPath, ["dist/main.mjs"], {
      cwd: serverDir,
      env: { ...process.env, PORT: String(this.port), HOST: "127.0.0.1", RATE_LIMIT: "0", ...this.env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    this.#child = child;
    await expect
      .poll(
        async () => {
          if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
          return fetch(`${this.url}/healthz`).then(
            (r) => r.status,
            () => 0,
          );
        },
        { timeout: 30_000, intervals: [100] },
      )
      .toBe(200);
  }

  /** Stops the server (SIGTERM: WebSockets close with 1001, as on a real restart) and waits for the process to end. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(killer);
  }
}
