import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (bench-results/ goes there). */
export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** Versions and machine, so that a report says what it measured. */
export interface Environment {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly versions: {
    readonly ws: string;
    readonly hono: string;
    readonly "@hono/node-server": string;
    /** Absent from results written before the Socket.IO anchor. */
    readonly "socket.io"?: string;
  };
  /** The machine's 1-, 5- and 15-minute load averages when the run started (other work shares it). */
  readonly loadAverage?: readonly number[];
}

/** This machine and the pinned versions of what the server runs on. */
export function environment(): Environment {
  const catalog = readFileSync(join(REPO, "pnpm-workspace.yaml"), "utf8");
  const version = (name: string) => catalog.match(new RegExp(`\\n\\s+"?${name}"?: (\\S+)`))?.[1] ?? "?";
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    versions: {
      ws: version("ws"),
      hono: version("hono"),
      "@hono/node-server": version("@hono/node-server"),
      "socket.io": version("socket.io"),
    },
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** One line for a report: machine, OS, Node, the server's libraries and the load when it started. */
export function environmentLine(env: Environment): string {
  const sio = env.versions["socket.io"] === undefined ? "" : `, socket.io ${env.versions["socket.io"]}`;
  const load = env.loadAverage === undefined ? "" : `; load average at start ${env.loadAverage.join(" / ")}`;
  return `${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}; Node ${env.node}; ws ${env.versions.ws}, hono ${env.versions.hono}, @hono/node-server ${env.versions["@hono/node-server"]}${sio}${load}`;
}

/** Said next to the machine of every report whose server and load clients ran on one machine. */
export const SHARED_MACHINE_NOTE =
  "Server and load clients share the machine; read ratios, not absolute times.";

/** How the Socket.IO anchor is configured, said next to every figure of it. */
export const SOCKET_IO_ANCHOR =
  "Socket.IO anchor: socket.io's own server on node:http, WebSocket transport only (no polling, no upgrade), perMessageDeflate and httpCompression off, no connection-state recovery, each message sent with io.to(room).emit (packet encoded and frame built once for all sockets); its clients are the same lean clients speaking Engine.IO 4.";

/** `capacity-2026-11-26T03-18-00`: a directory name for a run started now. */
export function stampedDir(prefix: string): string {
  return join(
    REPO,
    "bench-results",
    `${prefix}-${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}`,
  );
}
