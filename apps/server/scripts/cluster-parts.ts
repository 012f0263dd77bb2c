import { spawnSync } from "node:child_process";

/** Fails with the Debian package to install when `command` is not on the PATH. */
export function requireCommand(command: string, debianPackage: string): void {
  if (spawnSync("sh", ["-c", `command -v ${command}`]).status !== 0) {
    throw new Error(`${command} is not installed: apt-get install ${debianPackage}`);
  }
}

/**
 * The HAProxy configuration of `pnpm cluster` and of the tests: every request (each poll,
 * long-poll, SSE stream and WebSocket upgrade) goes to the next instance in turn, with no
 * stickiness of any kind; an instance whose /healthz fails twice is taken out until it answers
 * again. Long timeouts for held connections.
 */
export function haproxyConfig(port: number, instancePorts: readonly number[], host = "127.0.0.1"): string {
  return [
    "global",
    "  maxconn 9000", // two descriptors each, within an open-file limit of 20,000
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 120s",
    "  timeout server 120s",
    "  timeout tunnel 1h",
    "  option http-server-close",
    "frontend lab",
    `  bind ${host}:${port}`,
    "  default_backend instances",
    "backend instances",
    "  balance roundrobin",
    "  option httpchk",
    // HTTP/1.1 with a Host: the server answers a request without one with 400.
    "  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost",
    "  http-check expect status 200",
    "  default-server inter 300 fall 2 rise 1",
    ...instancePorts.map((p, i) => `  server i${i + 1} 127.0.0.1:${p} check`),
    "",
  ].join("\n");
}

/** redis-server's arguments for a throwaway Redis on 127.0.0.1:`port`, without persistence. */
export function redisServerArgs(port: number): string[] {
  return ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
}

/** Resolves once something accepts connections on 127.0.0.1:`port`; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const { connect } = await import("node:net");
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (performance.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A free TCP port on 127.0.0.1 (taken and released: a small race that nothing else here runs against). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
