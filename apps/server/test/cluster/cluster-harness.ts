import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PublishResponse } from "@transport-lab/protocol";
import { type RunningServer, type ServerOptions, startServer } from "../../src/index.ts";
import { post } from "../helpers.ts";
import { type Balancer, startBalancer } from "./balancer.ts";
import { freePort, type RedisProcess, startRedis } from "./redis-process.ts";

const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));

/** One server instance of a test cluster: in this process, or its own process (to be killed). */
export interface Instance {
  readonly port: number;
  readonly url: string;
  /** The in-process server (absent for a separate process). */
  readonly server?: RunningServer;
  /** Stops it: gracefully in-process; SIGKILL for a process (nothing is said to anyone). */
  stop(): Promise<void>;
}

/** Environment of a separate-process instance for these options (the ones the tests set). */
function envOf(options: Partial<ServerOptions>, port: number, redisUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    REDIS_URL: redisUrl,
  };
  if (options.rateLimit !== undefined) env.RATE_LIMIT = String(options.rateLimit);
  if (options.historySize !== undefined) env.HISTORY = String(options.historySize);
  if (options.generatorIdleMs !== undefined) env.GENERATOR_IDLE_MS = String(options.generatorIdleMs);
  return env;
}

/**
 * Starts `src/main.ts` as its own process on `port`; resolves once it listens. Without a `port`,
 * on a free one, and on another if a process of a test running beside this one took it first
 * (EADDRINUSE: seen once in the full suite).
 */
export async function startProcessInstance(
  options: Partial<ServerOptions>,
  redisUrl: string,
  port?: number,
): Promise<Instance> {
  if (port !== undefined) return startProcessOn(options, redisUrl, port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startProcessOn(options, redisUrl, await freePort());
    } catch (err) {
      if (attempt >= 3 || !String(err).includes("EADDRINUSE")) throw err;
    }
  }
}

async function startProcessOn(
  options: Partial<ServerOptions>,
  redisUrl: string,
  chosen: number,
): Promise<Instance> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: SERVER_DIR,
    env: envOf(options, chosen, redisUrl),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`instance on ${chosen} did not start: ${output}`)),
      15_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`instance exited with ${code}: ${output}`)));
  });
  return {
    port: chosen,
    url: `http://127.0.0.1:${chosen}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    },
  };
}

/** Starts an in-process instance on `port` (or a free one). */
export async function startInlineInstance(
  options: Partial<ServerOptions>,
  redisUrl: string,
  port = 0,
): Promise<Instance> {
  const server = await startServer({ ...options, port, host: "127.0.0.1", redisUrl });
  return { port: server.port, url: server.url, server, stop: () => server.close(500) };
}

/** Redis, some instances on it, HAProxy round-robin in front; everything stopped when the test ends. */
export interface ClusterHarness {
  readonly redis: RedisProcess;
  readonly instances: Instance[];
  readonly balancer: Balancer;
  /** The balancer's URL: where clients go. */
  readonly url: string;
  /** Publishes `data` through `base`; fails the test unless 201. */
  publish(base: string, channel: string, data: unknown): Promise<PublishResponse>;
  defer(fn: () => unknown): void;
}

/** What a test cluster is made of. */
export interface ClusterSpec {
  /** One entry per instance: `inline` in this process, `process` its own (to be killed). Default two inline. */
  kinds?: ("inline" | "process")[];
  options?: Partial<ServerOptions>;
  /** The Redis URL instances connect to (a gate in front of `redis`, say); default `redis` itself. */
  redisUrl?: (redis: RedisProcess) => Promise<string>;
}

/** Runs `fn` with a fresh cluster, then stops clients, balancer, instances and Redis. */
export async function withCluster<T>(spec: ClusterSpec, fn: (c: ClusterHarness) => Promise<T>): Promise<T> {
  const cleanups: (() => unknown)[] = [];
  const redis = await startRedis();
  const options = { rateLimit: 0, ...spec.options };
  const instances: Instance[] = [];
  let balancer: Balancer | undefined;
  try {
    const redisUrl = spec.redisUrl ? await spec.redisUrl(redis) : redis.url;
    const kinds = spec.kinds ?? ["inline", "inline"];
    instances.push(
      ...(await Promise.all(
        kinds.map((k) =>
          k === "inline" ? startInlineInstance(options, redisUrl) : startProcessInstance(options, redisUrl),
        ),
      )),
    );
    balancer = await startBalancer(instances.map((i) => i.port));
    const harness: ClusterHarness = {
      redis,
      instances,
      balancer,
      url: balancer.url,
      async publish(base, channel, data) {
        const res = await post<PublishResponse>(`${base}/api/channels/${channel}/messages`, { data });
        if (res.status !== 201) throw new Error(`publish answered ${res.status} ${res.text}`);
        return res.body;
      },
      defer: (f) => {
        cleanups.push(f);
      },
    };
    return await fn(harness);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // already gone
      }
    }
    await balancer?.stop();
    await Promise.all(instances.map((i) => i.stop()));
    await redis.kill();
  }
}
