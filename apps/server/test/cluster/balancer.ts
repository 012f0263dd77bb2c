import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { haproxyConfig, requireCommand, waitForPort } from "../../scripts/cluster-parts.ts";
import { freePort } from "./redis-process.ts";

/** HAProxy round-robin in front of some instances, with no stickiness of any kind. */
export interface Balancer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Waits until the balancer's first health checks passed: `count` answers in a row come back 200. */
export async function untilServing(url: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let inRow = 0;
  while (inRow < 2 * count) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    inRow = ok ? inRow + 1 : 0;
    if (performance.now() > deadline) throw new Error(`${url} did not serve from all ${count} instances`);
    if (!ok) await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `haproxy` (foreground) on a free port in front of `instancePorts`. */
export async function startBalancer(instancePorts: readonly number[]): Promise<Balancer> {
  requireCommand("haproxy", "haproxy");
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "tl-haproxy-"));
  const file = path.join(dir, "haproxy.cfg");
  writeFileSync(file, haproxyConfig(port, instancePorts));
  const child = spawn("haproxy", ["-db", "-f", file], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    await waitForPort(port, 5000);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`${(err as Error).message}: ${stderr}`);
  }
  await untilServing(`http://127.0.0.1:${port}`, instancePorts.length);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
