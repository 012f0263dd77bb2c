import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** What a benchmark can run against. */
export type TargetKind = "server" | "ws-baseline" | "http-baseline" | "url";

/** A running target. */
export interface Target {
  readonly kind: TargetKind;
  readonly base: string;
  /** Server process id (for the record); undefined for `url`. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

// Every target is a bundle made by `pnpm build` and run by plain node: the server as deployed,
// and the baselines built the same way, so that neither side of a ratio carries tsx.
const SCRIPTS: Record<Exclude<TargetKind, "url">, string> = {
  server: "../../server/dist/main.mjs",
  "ws-baseline": "../dist/baselines/ws-broadcast.mjs",
  "http-baseline": "../dist/baselines/http-broadcast.mjs",
};

/** Only loopback hosts may be load-test targets (this machine, never a network). */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return;
  throw new Error(
    `refusing to load-test ${host}: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed`,
  );
}

/** Starts a target in its own process and resolves once it listens. */
export async function startTarget(kind: Exclude<TargetKind, "url">): Promise<Target> {
  const script = fileURLToPath(new URL(SCRIPTS[kind], import.meta.url));
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`pnpm build\` first`);
  const child: ChildProcess = fork(script, [], {
    execArgv: [],
    stdio: ["ignore", kind === "server" ? "ignore" : "inherit", "inherit", "ipc"],
    // The server under test: no publish rate limit, room for the connection counts benchmarks open.
    env:
      kind === "server"
        ? {
            ...process.env,
            PORT: "0",
            HOST: "127.0.0.1",
            RATE_LIMIT: "0",
            MAX_CONNECTIONS: "60000",
            MAX_BUFFERED_BYTES: String(64 * 1024 * 1024),
          }
        : process.env,
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start within 20 s`)), 20_000);
    child.once("message", (m: { port: number }) => {
      clearTimeout(timer);
      resolve(m.port);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code} before listening`));
    });
  });
  return {
    kind,
    base: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const hard = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(hard);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/** An already running server at `url` (loopback only). */
export function urlTarget(url: string): Target {
  assertLoopback(url);
  return { kind: "url", base: url.replace(/\/$/, ""), pid: undefined, stop: async () => {} };
}
