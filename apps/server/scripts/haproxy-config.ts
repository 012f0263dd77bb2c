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
