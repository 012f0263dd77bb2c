import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { RunResult } from "./run.ts";

const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
const loadgen = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", cli, ...args],
      { timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

// `pnpm loadgen run --link NAME`: the clients connect through the server's emulated link, so the
// latency they measure includes its one-way delay (75 ms on 4g) and nothing else changes.
describe("loadgen run --link", () => {
  it("measures through the link: every delivery takes at least the one-way delay", {
    timeout: 70_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), "loadgen-link-"));
    const args = ["run", "--clients", "10", "--rate", "20", "--duration", "2", "--warmup", "1"];
    const transports = ["ws", "longPoll"];
    const runs = await Promise.all(
      transports.map((t) => loadgen([...args, "--transport", t, "--link", "4g", "--out", join(out, t)])),
    );
    for (const [i, run] of runs.entries()) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/server@4g/);
      const record = JSON.parse(readFileSync(join(out, transports[i] as string, "results.json"), "utf8"));
      const [result] = record.results as RunResult[];
      expect(result?.spec.link).toBe("4g");
      expect(result?.open).toBe(10);
      expect(result?.gaps).toBe(0);
      expect(result?.duplicates).toBe(0);
      expect(result?.received).toBeGreaterThan(0.9 * (result?.expected ?? 0));
      expect(result?.latency.min).toBeGreaterThanOrEqual(74);
    }
    rmSync(out, { recursive: true, force: true });
  });

  // Two loadgen processes (tsx) and a server: seconds each on a busy machine.
  it("refuses an unknown link, listing the server's, and a baseline through a link", {
    timeout: 60_000,
  }, async () => {
    const unknown = await loadgen(["run", "--clients", "1", "--rate", "0", "--link", "nope"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(
      /--link must be one of loopback, lan, wifi, 4g, 3g, satellite, .*got "nope"/,
    );
    const baseline = await loadgen(["run", "--link", "4g", "--baseline"]);
    expect(baseline.code).not.toBe(0);
    expect(baseline.stderr).toContain("--link and --baseline do not go together");
  });
});
