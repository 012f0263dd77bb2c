import { parseArgs } from "node:util";
import type { LinkSpec } from "./links/presets.ts";
import { parseDecimal } from "./validate.ts";

/** Everything a server instance can be told; every field has a default (see {@link DEFAULT_OPTIONS}). */
export interface ServerOptions {
  /** Messages each channel retains for resume. */
  historySize: number;
  /** Bytes of envelope JSON one channel retains; the oldest messages go first past it. */
  maxChannelBytes: number;
  /** Bytes of envelope JSON all channels together retain; past it the largest channel gives up its oldest. */
  maxRetainedBytes: number;
  /** Largest poll or long-poll answer in bytes (its first message is always included); `more: true` says the rest waits. */
  maxPollBytes: number;
  /**
   * Bytes of poll and long-poll answers one client address may leave unread on the server; past
   * it, its answers carry one message each (`more: true`) until it reads.
   */
  maxUnsentPollBytes: number;
  /** Channels that may exist at once (503 `channel_limit` past it). */
  maxChannels: number;
  /** Channels one client address may bring into being (503 `channel_limit` past it). */
  maxChannelsPerAddress: number;
  /** Open WebSockets + SSE streams + held long-polls (503 `connection_limit` past it). */
  maxConnections: number;
  /** The same, from one client address. */
  maxConnectionsPerAddress: number;
  /** Largest HTTP request body, and largest `data` of one message, in bytes (413). */
  maxBodyBytes: number;
  /** Largest WebSocket frame a client may send; bigger closes with 1009. Default: `maxBodyBytes` + 1 KiB. */
  maxFrameBytes: number;
  /** A WebSocket or SSE stream whose unsent buffer exceeds this is cut (the client resumes from its cursor). */
  maxBufferedBytes: number;
  /** Publishes (and WebSocket frames) per second per client address; 0 disables. */
  rateLimit: number;
  /** Token-bucket burst for {@link rateLimit}. */
  rateBurst: number;
  /** Interval of WebSocket pings; a peer that misses one whole interval is terminated. */
  heartbeatMs: number;
  /** Interval of SSE `: ping` comments. */
  sseKeepAliveMs: number;
  /** A generator stops after this long with no client on its channel. */
  generatorIdleMs: number;
  /**
   * With Redis: a channel not published to for this long loses its messages, and leaves the
   * channel list when no instance uses it (in one process a channel lives as long as the process).
   */
  channelIdleMs: number;
  /** When set, generator and disconnect require `Authorization: Bearer <token>`. */
  adminToken: string | undefined;
  /** Browser Origins allowed besides the server's own (WebSocket upgrades and state-changing requests). */
  allowedOrigins: string[];
  /** Directory of the built web app served at `/`; `undefined` serves a minimal page. */
  staticDir: string | undefined;
  /** Idle time after which the `idle-timeout` link cuts a connection. */
  linkIdleTimeoutMs: number;
  /** The emulated links under `/link/<name>/`; `undefined`: the presets (docs/network-links.md). */
  links: readonly LinkSpec[] | undefined;
  /**
   * `redis://host:port`: share channels with every instance using the same Redis (Redis Streams).
   * `undefined` keeps them in this process.
   */
  redisUrl: string | undefined;
}

/** Room for the frame's `type` and `ref` around a publish's `data`. */
const FRAME_ENVELOPE_BYTES = 1024;

/** The defaults (docs/protocol.md §14 and docs/security.md explain each). */
export const DEFAULT_OPTIONS: ServerOptions = {
  historySize: 1000,
  maxChannelBytes: 16 * 1024 * 1024,
  maxRetainedBytes: 64 * 1024 * 1024,
  maxPollBytes: 1024 * 1024,
  maxUnsentPollBytes: 8 * 1024 * 1024,
  maxChannels: 100,
  maxChannelsPerAddress: 20,
  maxConnections: 20_000,
  maxConnectionsPerAddress: 256,
  maxBodyBytes: 64 * 1024,
  maxFrameBytes: 64 * 1024 + FRAME_ENVELOPE_BYTES,
  maxBufferedBytes: 8 * 1024 * 1024,
  rateLimit: 500,
  rateBurst: 1000,
  // Below the 30 s idle timeout common in proxies and load balancers (the idle-timeout link), as
  // Socket.IO's 25 s pingInterval is: a quiet WebSocket stays open through them.
  heartbeatMs: 25_000,
  sseKeepAliveMs: 15_000,
  generatorIdleMs: 60_000,
  channelIdleMs: 86_400_000,
  adminToken: undefined,
  allowedOrigins: [],
  staticDir: undefined,
  linkIdleTimeoutMs: 30_000,
  links: undefined,
  redisUrl: undefined,
};

/** Defaults filled in; the frame limit follows the body limit unless it was given. */
export function resolveOptions(overrides: Partial<ServerOptions>): ServerOptions {
  const options = { ...DEFAULT_OPTIONS, ...overrides };
  if (overrides.maxFrameBytes === undefined)
    options.maxFrameBytes = options.maxBodyBytes + FRAME_ENVELOPE_BYTES;
  return options;
}

/** What `main.ts` needs beyond {@link ServerOptions}. */
export interface ListenConfig {
  port: number;
  host: string;
}

type NumericKey = {
  [K in keyof ServerOptions]: ServerOptions[K] extends number ? K : never;
}[keyof ServerOptions];

interface NumericSetting {
  key: NumericKey;
  min: number;
  max: number;
  /** What it controls, for `--help`. */
  help: string;
}

const MIB = 1024 * 1024;

/** Every numeric setting by its env name; the flag is the env name in kebab case. */
const NUMERIC: Record<string, NumericSetting> = {
  HISTORY: { key: "historySize", min: 1, max: 1_000_000, help: "messages each channel keeps for resume" },
  MAX_CHANNEL_BYTES: {
    key: "maxChannelBytes",
    min: 1024,
    max: 4096 * MIB,
    help: "bytes of messages one channel keeps (oldest dropped first)",
  },
  MAX_RETAINED_BYTES: {
    key: "maxRetainedBytes",
    min: 1024,
    max: 64 * 1024 * MIB,
    help: "bytes of messages all channels keep together (the largest channel gives way)",
  },
  MAX_POLL_BYTES: {
    key: "maxPollBytes",
    min: 1024,
    max: 256 * MIB,
    help: 'largest poll / long-poll answer; a cut answer says "more": true',
  },
  MAX_UNSENT_POLL_BYTES: {
    key: "maxUnsentPollBytes",
    min: 0,
    max: 4096 * MIB,
    help: "poll answer bytes one address may leave unread (then one message per answer)",
  },
  MAX_CHANNELS: { key: "maxChannels", min: 1, max: 100_000, help: "channels at once" },
  MAX_CHANNELS_PER_ADDRESS: {
    key: "maxChannelsPerAddress",
    min: 1,
    max: 100_000,
    help: "channels one client address may create",
  },
  MAX_CONNECTIONS: {
    key: "maxConnections",
    min: 1,
    max: 1_000_000,
    help: "open WebSockets + SSE streams + held long-polls",
  },
  MAX_CONNECTIONS_PER_ADDRESS: {
    key: "maxConnectionsPerAddress",
    min: 1,
    max: 1_000_000,
    help: "the same, from one client address (raise it behind a NAT)",
  },
  MAX_BODY_BYTES: {
    key: "maxBodyBytes",
    min: 16,
    max: 16 * MIB,
    help: "largest HTTP body and largest message data",
  },
  MAX_FRAME_BYTES: {
    key: "maxFrameBytes",
    min: 16,
    max: 64 * MIB,
    help: "largest WebSocket frame from a client (follows the body limit: + 1024)",
  },
  MAX_BUFFERED_BYTES: {
    key: "maxBufferedBytes",
    min: 1024,
    max: 1024 * MIB,
    help: "unsent bytes before a WebSocket / SSE reader is cut as too slow",
  },
  RATE_LIMIT: {
    key: "rateLimit",
    min: 0,
    max: 1_000_000,
    help: "publishes and WebSocket frames per second per client address (0: off)",
  },
  RATE_BURST: { key: "rateBurst", min: 1, max: 1_000_000, help: "burst of that limit" },
  HEARTBEAT_MS: {
    key: "heartbeatMs",
    min: 100,
    max: 3_600_000,
    help: "WebSocket ping interval; a silent peer is dropped",
  },
  SSE_KEEPALIVE_MS: {
    key: "sseKeepAliveMs",
    min: 100,
    max: 3_600_000,
    help: "SSE `: ping` comment interval",
  },
  GENERATOR_IDLE_MS: {
    key: "generatorIdleMs",
    min: 100,
    max: 86_400_000,
    help: "a generator stops after this long without clients",
  },
  CHANNEL_IDLE_MS: {
    key: "channelIdleMs",
    min: 1000,
    max: 365 * 86_400_000,
    help: "with Redis: a channel unheld and unpublished this long loses its messages and goes",
  },
  LINK_IDLE_TIMEOUT_MS: {
    key: "linkIdleTimeoutMs",
    min: 100,
    max: 3_600_000,
    help: "the idle-timeout link cuts a connection idle this long (docs/network-links.md)",
  },
};

/** Flag name for an env name: `MAX_BODY_BYTES` → `max-body-bytes`. */
const flagName = (env: string) => env.toLowerCase().replaceAll("_", "-");

/** One `--help` line: flag and env name, then what it does. */
const helpLine = (flag: string, env: string, text: string) => `  ${flag.padEnd(34)}${env.padEnd(30)}${text}`;

/** Text for `--help`, generated from the same table the parser uses. */
export function usage(): string {
  const lines = [
    "Usage: transport-lab-server [--flag value]…",
    "Every flag can also be given as its environment variable; the flag wins.",
    "",
    helpLine("flag", "env", "meaning"),
    helpLine("--port N", "PORT", "listening port (default 3000; 0 picks a free one)"),
    helpLine("--host ADDR", "HOST", "listening address (default 0.0.0.0; 127.0.0.1: this machine only)"),
    helpLine(
      "--admin-token TOKEN",
      "ADMIN_TOKEN",
      "protects generator and disconnect (default: generated when HOST is not loopback)",
    ),
    helpLine(
      "--allowed-origins A,B",
      "ALLOWED_ORIGINS",
      "extra browser origins besides the server's own, e.g. http://school.example:8080 for a page " +
        "reached by port forwarding, a proxy or a DNS name (else 403 forbidden_origin)",
    ),
    helpLine("--static-dir DIR", "STATIC_DIR", "built web app served at / (default apps/web/dist)"),
    helpLine(
      "--redis-url URL",
      "REDIS_URL",
      "share channels with other instances through Redis (default: in this process)",
    ),
  ];
  for (const [env, { key, min, max, help }] of Object.entries(NUMERIC)) {
    const range = `${min}–${max}, default ${DEFAULT_OPTIONS[key]}`;
    lines.push(helpLine(`--${flagName(env)} N`, env, `${help} (${range})`));
  }
  return lines.join("\n");
}

/** An integer from its decimal text, or a readable Error naming the setting. */
function integerSetting(env: string, raw: string, min: number, max: number): number {
  const n = parseDecimal(raw);
  if (n === undefined || n < min || n > max) {
    throw new Error(`${env}/--${flagName(env)} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
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
    "redis-url": { type: "string" },
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
  const options: Partial<ServerOptions> = {};
  for (const [envName, { key, min, max }] of Object.entries(NUMERIC)) {
    const raw = read(envName);
    if (raw !== undefined) options[key] = integerSetting(envName, raw, min, max);
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
  const redisUrl = read("REDIS_URL");
  if (redisUrl !== undefined) {
    if (!/^rediss?:\/\//.test(redisUrl))
      throw new Error(`REDIS_URL/--redis-url must start with redis:// or rediss://, got "${redisUrl}"`);
    options.redisUrl = redisUrl;
  }
  const port = read("PORT");
  return {
    options,
    listen: {
      port: port === undefined ? 3000 : integerSetting("PORT", port, 0, 65535),
      host: read("HOST") ?? "0.0.0.0",
    },
    help: values.help === true,
  };
}
