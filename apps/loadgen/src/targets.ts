import { type ChildProcess, fork } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TransportName } from "@transport-lab/protocol";
import { connectInspector, freePort, type Inspector } from "./inspector.ts";

/** What a load client speaks: one of the lab's four transports, or Socket.IO (over WebSocket only). */
export type LoadTransport = TransportName | "socketio";

/** What a benchmark can run against. */
export type TargetKind = "server" | "ws-baseline" | "http-baseline" | "socketio-baseline" | "url";

/** A target started by the load generator. */
export type BaselineKind = "ws-baseline" | "http-baseline" | "socketio-baseline";

/** A running target. */
export interface Target {
  readonly kind: TargetKind;
  readonly base: string;
  /** Server process id (for the record); undefined for `url`. */
  readonly pid: number | undefined;
  /** A full GC in the target, then its `process.memoryUsage()`: targets started with `inspect` only. */
  readonly memoryAfterGc?: () => Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

// Every target is a bundle made by `pnpm build` and run by plain node: the server as deployed,
// and the baselines built the same way, so that neither side of a ratio carries tsx.
const SCRIPTS: Record<Exclude<TargetKind, "url">, string> = {
  server: "../../server/dist/main.mjs",
  "ws-baseline": "../dist/baselines/ws-broadcast.mjs",
  "http-baseline": "../dist/baselines/http-broadcast.mjs",
  "socketio-baseline": "../dist/baselines/socketio-broadcast.mjs",
};

/**
 * The raw baseline a transport is compared with, if any: raw `ws` for WebSocket, Socket.IO itself
 * for the server's Socket.IO endpoint, raw `node:http` for SSE. The node:http baseline ignores
 * cursors, so its long-poll is only a valid comparison with no messages flowing (idle connections).
 */
export function baselineFor(transport: LoadTransport, rate: number): BaselineKind | undefined {
  if (transport === "ws") return "ws-baseline";
  if (transport === "socketio") return "socketio-baseline";
  if (transport === "sse" || (transport === "longPoll" && rate === 0)) return "http-baseline";
  return undefined;
}

/**
 * The transport a target is measured with: the Socket.IO anchor is read by the Socket.IO lean
 * client, every other target with the transport of the row it is compared with.
 */
export function transportOf(kind: TargetKind, transport: LoadTransport): LoadTransport {
  return kind === "socketio-baseline" ? "socketio" : transport;
}

/** Only loopback hosts may be load-test targets (this machine, never a network). */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return;
  throw new Error(
    `refusing to load-test ${host}: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed`,
  );
}

/** The soft limit on open files in a /proc/<pid>/limits text, or undefined (unlimited, unknown). */
export function parseOpenFileLimit(limits: string | undefined): number | undefined {
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits ?? "")?.[1];
  return soft === undefined || soft === "unlimited" ? undefined : Number(soft);
}

/** This process's soft limit on open files (Linux); the server it forks inherits it. */
export function openFileLimit(): number | undefined {
  try {
    return parseOpenFileLimit(readFileSync("/proc/self/limits", "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Every client is a socket in this process and one in the server (which inherits the limit):
 * past the open-file limit they would fail one by one with EMFILE, so say so before starting.
 */
export function checkFileLimit(clients: number, limit: number | undefined): void {
  const spare = 200; // the processes' own files, pipes and listening sockets
  if (limit !== undefined && clients + spare > limit) {
    throw new Error(
      `${clients} clients need about ${clients + spare} open files per process, and the limit here is ${limit}: ` +
        `raise it (ulimit -n ${clients + spare}, if the hard limit allows) or use --clients ${limit - spare} or fewer`,
    );
  }
}

/** Extra node flags and environment for a target's process (the soak adds `--inspect`). */
export interface TargetExtras {
  execArgv?: string[];
  env?: Record<string, string>;
  /** Another bundle to start instead of the target's own (`run --server`: a build of another commit). */
  script?: string;
  /** Start it with an inspector on a free loopback port, for {@link Target.memoryAfterGc}. */
  inspect?: boolean;
}

/** What node prints on stderr about its inspector. */
const INSPECTOR_NOTICE = /^(Debugger (listening on|attached|ending on)|For help, see: )/;

/** Starts a target in its own process and resolves once it listens. */
export async function startTarget(
  kind: Exclude<TargetKind, "url">,
  extras: TargetExtras = {},
): Promise<Target> {
  const script = extras.script ?? fileURLToPath(new URL(SCRIPTS[kind], import.meta.url));
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`pnpm build\` first`);
  const inspectPort = extras.inspect ? await freePort() : undefined;
  const execArgv = [...(extras.execArgv ?? [])];
  if (inspectPort !== undefined) execArgv.push(`--inspect=127.0.0.1:${inspectPort}`);
  const child: ChildProcess = fork(script, [], {
    execArgv,
    // With an inspector, stderr is piped to drop its "Debugger listening / attached" lines.
    stdio: ["ignore", kind === "server" ? "ignore" : "inherit", inspectPort ? "pipe" : "inherit", "ipc"],
    // The server under test: no publish rate limit, room for the connection counts benchmarks open
    // (the clients come from a few 127.0.0.x addresses, so the per-address cap is raised too).
    env:
      kind === "server"
        ? {
            ...process.env,
            PORT: "0",
            HOST: "127.0.0.1",
            RATE_LIMIT: "0",
            MAX_CONNECTIONS: "60000",
            MAX_CONNECTIONS_PER_ADDRESS: "60000",
            MAX_BUFFERED_BYTES: String(64 * 1024 * 1024),
            ...extras.env,
          }
        : process.env,
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    const lines = String(chunk)
      .split("\n")
      .filter((line) => line !== "" && !INSPECTOR_NOTICE.test(line));
    if (lines.length > 0) process.stderr.write(`${lines.join("\n")}\n`);
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
  let inspector: Inspector | undefined;
  try {
    if (inspectPort !== undefined) inspector = await connectInspector(inspectPort);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return {
    kind,
    base: `http://127.0.0.1:${port}`,
    pid: child.pid,
    ...(inspector === undefined ? {} : { memoryAfterGc: () => (inspector as Inspector).memoryAfterGc() }),
    stop: () =>
      new Promise<void>((resolve) => {
        inspector?.close();
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
