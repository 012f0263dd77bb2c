import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS, loadConfig, resolveOptions, usage } from "./config.ts";

describe("loadConfig", () => {
  it("defaults: no overrides, port 3000 on all interfaces", () => {
    expect(loadConfig([], {})).toEqual({ options: {}, listen: { port: 3000, host: "0.0.0.0" }, help: false });
  });

  it("reads every numeric option from its env name and its flag; the flag wins", () => {
    const env = { HISTORY: "50", MAX_CONNECTIONS: "10", RATE_LIMIT: "0", PORT: "4000", HOST: "127.0.0.1" };
    expect(loadConfig([], env)).toEqual({
      options: { historySize: 50, maxConnections: 10, rateLimit: 0 },
      listen: { port: 4000, host: "127.0.0.1" },
      help: false,
    });
    const { options, listen } = loadConfig(["--history", "7", "--port", "0", "--heartbeat-ms", "250"], env);
    expect(options).toMatchObject({ historySize: 7, heartbeatMs: 250 });
    expect(listen.port).toBe(0);
  });

  it("accepts a leading `--` (pnpm start -- --port 4000)", () => {
    expect(loadConfig(["--", "--port", "4000"], {}).listen.port).toBe(4000);
  });

  it("reads the admin token, allowed origins (comma list, trimmed) and static dir", () => {
    const { options } = loadConfig(["--admin-token", "t0k"], {
      ALLOWED_ORIGINS: " https://a.example, http://b.example:8080 ,,",
      STATIC_DIR: "/srv/web",
    });
    expect(options).toEqual({
      adminToken: "t0k",
      allowedOrigins: ["https://a.example", "http://b.example:8080"],
      staticDir: "/srv/web",
    });
  });

  it("treats an empty env variable as unset", () => {
    expect(loadConfig([], { HISTORY: "", PORT: "" })).toMatchObject({ options: {}, listen: { port: 3000 } });
  });

  it("rejects out-of-range and non-integer values with a message naming the setting", () => {
    for (const [argv, env, name] of [
      [[], { HISTORY: "0" }, "HISTORY/--history"],
      [[], { HISTORY: "1.5" }, "HISTORY/--history"],
      [["--max-body-bytes", "abc"], {}, "MAX_BODY_BYTES/--max-body-bytes"],
      [[], { PORT: "70000" }, "PORT/--port"],
      [[], { RATE_BURST: "0" }, "RATE_BURST/--rate-burst"],
      // Number() would take all of these.
      [[], { HISTORY: "0x10" }, "HISTORY/--history"],
      [[], { HISTORY: " 5" }, "HISTORY/--history"],
      [[], { HISTORY: "1e3" }, "HISTORY/--history"],
      [[], { PORT: "+80" }, "PORT/--port"],
    ] as const) {
      expect(() => loadConfig([...argv], env)).toThrow(name);
    }
  });

  it("rejects unknown flags and positionals", () => {
    expect(() => loadConfig(["--nope", "1"], {})).toThrow();
    expect(() => loadConfig(["extra"], {})).toThrow();
  });

  it("--help asks for the usage text, which lists every flag with its env name, meaning and default", () => {
    expect(loadConfig(["--help"], {}).help).toBe(true);
    const text = usage();
    expect(text).toMatch(
      /--history N\s+HISTORY\s+messages each channel keeps for resume \(1–1000000, default 1000\)/,
    );
    expect(text).toMatch(/--max-connections-per-address N\s+MAX_CONNECTIONS_PER_ADDRESS\s+\S/);
    expect(text).toMatch(/--admin-token TOKEN\s+ADMIN_TOKEN\s+\S/);
    // Internal option names are not shown.
    expect(text).not.toMatch(/historySize|maxBodyBytes/);
    for (const flag of [
      "--port",
      "--host",
      "--admin-token",
      "--allowed-origins",
      "--static-dir",
      "--history",
      "--max-buffered-bytes",
      "--heartbeat-ms",
      "--sse-keepalive-ms",
      "--generator-idle-ms",
      "--max-channel-bytes",
      "--max-retained-bytes",
      "--max-poll-bytes",
      "--max-channels-per-address",
    ]) {
      expect(text).toContain(flag);
    }
    expect(text).toContain(`default ${DEFAULT_OPTIONS.historySize}`);
  });
});

describe("DEFAULT_OPTIONS", () => {
  it("history 1000, body 64 KiB, frame = body + 1 KiB, 500 msg/s bursting 1000, SSE ping 15 s", () => {
    expect(DEFAULT_OPTIONS).toMatchObject({
      historySize: 1000,
      maxBodyBytes: 65536,
      maxFrameBytes: 65536 + 1024,
      maxPollBytes: 1024 * 1024,
      allowedOrigins: [],
      rateLimit: 500,
      rateBurst: 1000,
      sseKeepAliveMs: 15_000,
      adminToken: undefined,
    });
  });
});

describe("resolveOptions", () => {
  it("sizes the frame limit to the body limit plus the envelope, unless it is given", () => {
    expect(resolveOptions({}).maxFrameBytes).toBe(65536 + 1024);
    expect(resolveOptions({ maxBodyBytes: 1000 }).maxFrameBytes).toBe(2024);
    expect(resolveOptions({ maxBodyBytes: 1000, maxFrameBytes: 500 }).maxFrameBytes).toBe(500);
  });
});
