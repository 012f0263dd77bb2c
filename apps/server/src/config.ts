import { parseArgs } from "node:util";

/** Everything a server instance can be told; every field has a default (see {@link DEFAULT_OPTIONS}). */
export interface ServerOptions {
  /** Messages each channel retains for resume. */
  historySize: number;
  /** Channels that may exist at once (503 `channel_limit` past it). */
  maxChannels: number;
  /** Open WebSockets + SSE streams + held long-polls (503 `connection_limit` past it). */
  maxConnections: number;
  /** Largest HTTP request body, and largest `data` of one message, in bytes (413). */
  maxBodyBytes: number;
  /** Largest WebSocket frame a client may send; bigger closes with 1009. */
  maxFrameBytes: number;
  /** A WebSocket or SSE stream whose unsent buffer exceeds this is cut (the client resumes from its cursor). */
  maxBufferedBytes: number;
  /** Publishes per second per WebSocket / per IP over HTTP; 0 disables. */
  rateLimit: number;
  /** Token-bucket burst for {@link rateLimit}. */
  rateBurst: number;
  /** Interval of WebSocket pings; a peer that misses one whole interval is terminated. */
  heartbeatMs: number;
  /** Interval of SSE `: ping` comments. */
  sseKeepAliveMs: number;
  /** A generator stops after this long with no client on its channel. */
  generatorIdleMs: number;
  /** When set, generator and disconnect require `Authorization: Bearer <token>`. */
  adminToken: string | undefined;
  /** Extra Origins allowed to open WebSockets (the same host is always allowed). */
  allowedOrigins: string[];
  /** Directory of the built web app served at `/`; `undefined` serves a minimal page. */
  staticDir: string | undefined;
}

/** Defaults, as README.md and docs/protocol.md §14 list them. */
export const DEFAULT_OPTIONS: ServerOptions = {
  historySize: 1000,
  maxChannels: 100,
  maxConnections: 20_000,
  maxBodyBytes: 64 * 1024,
  maxFrameBytes: 1024 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  rateLimit: 500,
  rateBurst: 1000,
  heartbeatMs: 30_000,
  sseKeepAliveMs: 15_000,
  generatorIdleMs: 60_000,
  adminToken: undefined,
  allowedOrigins: ["http://localhost:5173", "http://127.0.0.1:5173"],
  staticDir: undefined,
};

/** What `main.ts` needs beyond {@link ServerOptions}. */
export interface ListenConfig {
  port: number;
  host: string;
}

const NUMERIC: Record<string, [keyof ServerOptions, number, number]> = {
  HISTORY: ["historySize", 1, 1_000_000],
  MAX_CHANNELS: ["maxChannels", 1, 100_000],
  MAX_CONNECTIONS: ["maxConnections", 1, 1_000_000],
  MAX_BODY_BYTES: ["maxBodyBytes", 16, 16 * 1024 * 1024],
  MAX_FRAME_BYTES: ["maxFrameBytes", 16, 64 * 1024 * 1024],
  MAX_BUFFERED_BYTES: ["maxBufferedBytes", 1024, 1024 * 1024 * 1024],
  RATE_LIMIT: ["rateLimit", 0, 1_000_000],
  RATE_BURST: ["rateBurst", 1, 1_000_000],
  HEARTBEAT_MS: ["heartbeatMs", 100, 3_600_000],
  SSE_KEEPALIVE_MS: ["sseKeepAliveMs", 100, 3_600_000],
  GENERATOR_IDLE_MS: ["generatorIdleMs", 100, 86_400_000],
};

/** Flag name for an env name: `MAX_BODY_BYTES` → `max-body-bytes`. */
const flagName = (env: string) => env.toLowerCase().replaceAll("_", "-");

/** Text for `--help`, generated from the same table the parser uses. */
export function usage(): string {
  const lines = [
    "Usage: transport-lab-server [--flag value]…   (each flag also reads from its ENV name)",
    "  --port PORT                 default 3000",
    "  --host HOST                 default 0.0.0.0 (all interfaces; 127.0.0.1 for this machine only)",
    "  --admin-token TOKEN         protects generator and disconnect (ADMIN_TOKEN)",
    "  --allowed-origins A,B       extra WebSocket origins (ALLOWED_ORIGINS)",
    "  --static-dir DIR            built web app to serve at / (STATIC_DIR)",
  ];
  for (const [env, [key, min, max]] of Object.entries(NUMERIC)) {
    lines.push(`  --${flagName(env).padEnd(26)}${key}, ${min}–${max}, default ${DEFAULT_OPTIONS[key]}`);
  }
  return lines.join("\n");
}

/** Reads options from flags (which win) and environment variables; throws a readable Error on bad values. */
export function loadConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { options: Partial<ServerOptions>; listen: ListenConfig; help: boolean } {
  const flags: Record<string, { type: "string" | "boolean" }> = {
    port: { type: "string" },
    host: { type: "string" },
    "admin-token": { type: "string" },
    "allowed-origins": { type: "string" },
    "static-dir": { type: "string" },
    help: { type: "boolean" },
  };
  for (const name of Object.keys(NUMERIC)) flags[flagName(name)] = { type: "string" };
  // `pnpm start -- --port 4000` passes the `--` through; it is not a positional here.
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const { values } = parseArgs({ args, options: flags, strict: true, allowPositionals: false });
  const read = (envName: string): string | undefined => {
    const v = values[flagName(envName)];
    return typeof v === "string" ? v : env[envName] || undefined;
  };
  const int = (envName: string, min: number, max: number, fallback: number): number => {
    const raw = read(envName);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(
        `${envName}/--${flagName(envName)} must be an integer from ${min} to ${max}, got "${raw}"`,
      );
    }
    return n;
  };
  const options: Partial<ServerOptions> = {};
  for (const [envName, [key, min, max]] of Object.entries(NUMERIC)) {
    if (read(envName) !== undefined) {
      (options as Record<string, number>)[key] = int(envName, min, max, 0);
    }
  }
  const adminToken = read("ADMIN_TOKEN");
  if (adminToken !== undefined) options.adminToken = adminToken;
  const origins = read("ALLOWED_ORIGINS");
  if (origins !== undefined) {
    options.allowedOrigins = origins
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean);
  }
  const staticDir = read("STATIC_DIR");
  if (staticDir !== undefined) options.staticDir = staticDir;
  return {
    options,
    listen: { port: int("PORT", 0, 65535, 3000), host: read("HOST") ?? "0.0.0.0" },
    help: values.help === true,
  };
}
