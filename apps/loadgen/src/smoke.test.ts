import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

// The seconds-long scenario from `pnpm loadgen smoke`, run as users run it: a real server
// process, worker threads with 20 clients per transport, the generator at 20 msg/s.
it("smoke scenario delivers in order on every transport", { timeout: 120_000 }, async () => {
  const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", cli, "smoke"],
      { timeout: 110_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout })),
    );
  });
  expect(stdout).toContain("smoke: every transport delivered in order");
  for (const transport of ["ws", "sse", "longPoll", "poll"]) {
    expect(stdout).toMatch(new RegExp(`^${transport}\\s+server\\s+20\\s+20\\s`, "m"));
  }
});
