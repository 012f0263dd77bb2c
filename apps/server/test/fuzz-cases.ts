import type { ErrorCode } from "@transport-lab/protocol";
import fc from "fast-check";

/** The seeded cases of fuzz.test.ts: every HTTP endpoint with good, bad and hostile values. */
export const SEED = 20261201;
export const HTTP_RUNS = 2000;
export const WS_RUNS = 1500;

/** The status each error code is documented with (docs/protocol.md §13); WS-only codes have none. */
export const STATUS: Partial<Record<ErrorCode, number[]>> = {
  bad_json: [400],
  bad_cursor: [400],
  bad_channel: [400],
  bad_param: [400],
  upgrade_required: [426],
  unauthorized: [401],
  forbidden_origin: [403],
  not_found: [404],
  payload_too_large: [413],
  unsupported_media_type: [415],
  rate_limited: [429],
  connection_limit: [503],
  channel_limit: [503],
  shutting_down: [503],
};

export const LIMITS = {
  rateLimit: 0,
  historySize: 50,
  maxBodyBytes: 2048,
  maxPollBytes: 4096,
  maxChannelBytes: 16 * 1024,
  maxRetainedBytes: 64 * 1024,
  maxChannels: 30,
  maxConnectionsPerAddress: 50,
  adminToken: "fuzz-admin",
};

export const channelName = fc.oneof(
  { arbitrary: fc.constantFrom("chat", "a", "b-1", "fuzz", "x".repeat(64)), weight: 6 },
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/),
  fc.string({ maxLength: 70 }),
  fc.constantFrom("", "-x", "A", "x".repeat(65), "%E0%A4%A", "..", "%2e%2e", "a b"),
);
export const cursor = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("earliest", "", ":", "a:b", "E:01", "E:-1", "x:9999999999999999999"),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), fc.nat(200)).map(([e, s]) => `${e}:${s}`),
  fc.string({ maxLength: 40 }),
);
export const timeout = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("1", "30", "0", "60001", "0x10", " 5", "1e3", "-1", "abc"),
  fc.integer({ min: 1, max: 60 }).map(String),
);
export const body = fc.oneof(
  fc.constant(undefined),
  { weight: 6, arbitrary: fc.json().map((j) => `{"data":${j}}`) },
  fc.json(),
  fc
    .record({
      rate: fc.double({ min: -10, max: 6000, noNaN: true }),
      payloadBytes: fc.integer({ min: -5, max: 70000 }),
    })
    .map((r) => JSON.stringify(r)),
  fc.string({ maxLength: 200 }),
  fc.nat(4000).map((n) => `{"data":"${"z".repeat(n)}"}`),
  fc.nat(3000).map((n) => `{"data":${"[".repeat(n)}${"]".repeat(n)}}`),
  fc.constantFrom("", "\u0000", '{"data":1}{"data":2}', '{"__proto__":{"data":1}}', '{"data":"\\ud800"}'),
);
/** `?client=` on transport requests: valid ids, near misses and garbage (the class roster). */
export const clientId = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  fc.stringMatching(/^[A-Za-z0-9_-]{8,32}$/),
  fc.constantFrom("page-1234abcd", "short", "x".repeat(33), "has space!", "", "%00%00%00%00%00%00%00%00"),
  fc.string({ maxLength: 40 }),
);
/** Links of the fuzz server's table (fast ones: a slow link would make each case take seconds), and names of none. */
export const linkName = fc.constantFrom(
  "lan",
  "loopback",
  "ws-blocked",
  "ws-dropped",
  "buffering-proxy",
  "idle-timeout",
  "nope",
  "LAN",
  "%6can",
  "",
  "lan%2f..",
);
export const endpoint = fc.constantFrom(
  "",
  "messages",
  "messages",
  "messages",
  "generator",
  "disconnect",
  "poll",
  "poll",
  "long-poll",
  "sse",
  "ws",
  "nope",
);
export const path = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({ ch: channelName, endpoint, cursor, timeout, client: clientId })
      .map(({ ch, endpoint: ep, cursor: cu, timeout: to, client }) => {
        const q = new URLSearchParams();
        if (cu !== undefined) q.set("cursor", cu);
        if (to !== undefined && ep === "long-poll") q.set("timeout", to);
        if (client !== undefined) q.set("client", client);
        const qs = q.toString();
        return `/api/channels/${encodeURIComponent(ch)}${ep ? `/${ep}` : ""}${qs ? `?${qs}` : ""}`;
      }),
  },
  fc.constantFrom(
    "/healthz",
    "/api/time",
    "/api/channels",
    "/api/metrics",
    "/metrics",
    "/api/admin",
    "/api/links",
    "/api/class",
    "/api/class?client=page-1234abcd",
    "/link/",
    "/link/lan",
    "/link//api/time",
    "/",
    "/.env",
    "/api/",
  ),
  fc.webPath().map((p) => (p.startsWith("/") ? p : `/${p}`)),
);
/** Any of those paths, some of them under `/link/<name>`. */
export const linkedPath = fc.oneof(
  { weight: 4, arbitrary: path },
  fc.tuple(linkName, path).map(([name, p]) => `/link/${name}${p}`),
);
export const header = (values: fc.Arbitrary<string>) => fc.option(values, { nil: undefined });
export const httpCase = fc.record({
  method: fc.constantFrom(
    "GET",
    "GET",
    "GET",
    "POST",
    "POST",
    "POST",
    "PUT",
    "DELETE",
    "HEAD",
    "OPTIONS",
    "PATCH",
  ),
  path: linkedPath,
  body,
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8") },
    {
      weight: 1,
      arbitrary: fc.constantFrom(undefined, "text/plain", "application/x-www-form-urlencoded", ""),
    },
  ),
  origin: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom("http://evil.example", "null", "http://127.0.0.1:1") },
  ),
  authorization: header(fc.constantFrom("Bearer fuzz-admin", "Bearer wrong", "fuzz-admin", "")),
  lastEventId: header(fc.oneof(fc.constantFrom("earliest", "garbage"), fc.string({ maxLength: 30 }))),
});

export type HttpCase = typeof httpCase extends fc.Arbitrary<infer T> ? T : never;
