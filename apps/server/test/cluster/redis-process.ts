import { type ChildProcess, spawn } from "node:child_process";
import { freePort, redisServerArgs, requireCommand, waitForPort } from "../../scripts/cluster-parts.ts";

export { freePort };

/** A real redis-server started by a test, without persistence unless asked. */
export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGKILL: nothing is saved) and resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence): a Redis that lost its data. */
  restart(): Promise<void>;
}

/** Starts `redis-server` on a free port (or `port`); resolves once it accepts connections. */
export async function startRedis(port?: number): Promise<RedisProcess> {
  requireCommand("redis-server", "redis-server");
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("redis-server", [...redisServerArgs(chosen), "--loglevel", "warning"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    await waitForPort(chosen, 5000);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  };
  await start();
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    kill,
    async restart() {
      await kill();
      await start();
    },
  };
}
