// `pnpm cluster`: redis-server, two server instances sharing their channels through it, and
// HAProxy round-robin in front of them on :3000, with no sticky sessions. Ctrl-C stops all four.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isLoopbackHost, lanAddresses, newTeacherToken, startupLines } from "../src/startup-links.ts";
import { haproxyConfig, redisServerArgs, requireCommand } from "./cluster-parts.ts";

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const main = path.join(serverDir, "dist", "main.mjs");
const env = (name: string) => process.env[name] || undefined;
const port = Number(env("PORT") ?? 3000);
const host = env("HOST") ?? "0.0.0.0";
const redisPort = Number(env("REDIS_PORT") ?? 6390);
const instancePorts = [port + 1, port + 2];

function fail(message: string): never {
  console.error(`pnpm cluster: ${message}`);
  process.exit(1);
}

try {
  requireCommand("redis-server", "redis-server");
  requireCommand("haproxy", "haproxy");
} catch (err) {
  fail((err as Error).message);
}
if (!existsSync(main)) fail(`${main} is missing: run pnpm build first`);

const children: ChildProcess[] = [];
/** Starts a child with its output prefixed by `name`; the whole cluster stops if it dies. */
function run(name: string, command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(command, args, {
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line) console.log(`[${name}] ${line}`);
  };
  child.stdout?.on("data", prefix);
  child.stderr?.on("data", prefix);
  child.once("exit", (code, signal) => {
    if (!stopping) stop(`${name} exited (${signal ?? code})`);
  });
  children.push(child);
  return child;
}

let stopping = false;
const dir = mkdtempSync(path.join(tmpdir(), "transport-lab-cluster-"));
function stop(why: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${why}: stopping the cluster…`);
  for (const child of children.reverse()) child.kill("SIGTERM");
  setTimeout(() => {
    for (const child of children) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }, 3000).unref();
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));

const redisUrl = env("REDIS_URL") ?? `redis://127.0.0.1:${redisPort}`;
if (!env("REDIS_URL")) {
  run("redis", "redis-server", redisServerArgs(redisPort));
}
// Every instance must take the same teacher token; beyond loopback, make one as one server would.
const generatedToken =
  env("ADMIN_TOKEN") === undefined && !isLoopbackHost(host) ? newTeacherToken() : undefined;
const adminToken = env("ADMIN_TOKEN") ?? generatedToken;
await new Promise((resolve) => setTimeout(resolve, 300)); // redis-server listens within a few ms
instancePorts.forEach((p, i) => {
  run(`instance ${i + 1}`, process.execPath, [main], {
    PORT: String(p),
    HOST: "127.0.0.1",
    REDIS_URL: redisUrl,
    ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}),
  });
});
const config = path.join(dir, "haproxy.cfg");
writeFileSync(config, haproxyConfig(port, instancePorts, host));
run("haproxy", "haproxy", ["-db", "-f", config]);
console.log(
  `Cluster: redis-server ${redisUrl}, instances on ${instancePorts.join(" and ")}, HAProxy round-robin:`,
);
for (const line of startupLines({ host, port, generatedToken, lan: lanAddresses(host) })) console.log(line);
