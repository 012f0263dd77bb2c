import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { runCapacity, writeReports } from "./capacity.ts";
import type { LoadTransport } from "./lean-clients.ts";
import { createProgress } from "./progress.ts";
import { formatRow, TABLE_HEADER } from "./report.ts";
import { type RunResult, type RunSpec, runOnce } from "./run.ts";
import {
  baselineFor,
  checkFileLimit,
  openFileLimit,
  startTarget,
  type Target,
  urlTarget,
} from "./targets.ts";

const HELP = `Transport Lab load generator — many clients against one server, on this machine only.

Usage:
  pnpm loadgen run [options]        one scenario (default: starts its own server)
  pnpm loadgen smoke                seconds-long check of every transport (used by the tests)
  pnpm loadgen capacity [--quick]   the capacity suite (same as pnpm bench:capacity): idle ramp to
                                    10,000 connections, fan-out to 1,000 clients at 10 and 100 msg/s,
                                    highest sustained rate with p99 < 100 ms, all against raw ws /
                                    node:http baselines started in the same run; writes
                                    bench-results/capacity-<time>/{results.json,report.md,report.html}
  pnpm loadgen report DIR           rewrite DIR/report.md and report.html from DIR/results.json

Options for run:
  --transport T      ws | sse | long-poll | poll | all           (default ws)
  --clients N        clients per transport, 1–20000             (default 100)
  --rate R           messages/s from the server's generator, 0–5000; 0 = idle connections (default 10)
  --payload B        payload bytes, 0–65536                       (default 64)
  --duration S       measured seconds, 1–300                      (default 10)
  --warmup S         seconds before measuring, 0–60               (default 2)
  --url URL          an already running server (loopback only); default: start one
  --baseline         also run the same cell against the raw ws / node:http baseline
  --workers N        worker threads, 1–8                          (default 2)
  --addresses N      127.0.0.x source addresses, 1–32             (default 4)
  --poll-interval MS interval-polling period                      (default 1000)
  --json             print results as JSON instead of a table
`;

const TRANSPORTS: Record<string, LoadTransport> = {
  ws: "ws",
  sse: "sse",
  "long-poll": "longPoll",
  poll: "poll",
};

function intOpt(
  values: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

async function run(argv: string[]) {
  const str = { type: "string" } as const;
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      transport: str,
      clients: str,
      rate: str,
      payload: str,
      duration: str,
      warmup: str,
      url: str,
      workers: str,
      addresses: str,
      "poll-interval": str,
      baseline: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const t = (values.transport as string | undefined) ?? "ws";
  const transports = t === "all" ? Object.values(TRANSPORTS) : [TRANSPORTS[t]];
  if (transports.some((x) => x === undefined))
    throw new Error(`--transport must be ws, sse, long-poll, poll or all, got "${t}"`);
  const base: Omit<RunSpec, "transport"> = {
    clients: intOpt(values, "clients", 1, 20_000, 100),
    rate: intOpt(values, "rate", 0, 5000, 10),
    payloadBytes: intOpt(values, "payload", 0, 65_536, 64),
    durationMs: intOpt(values, "duration", 1, 300, 10) * 1000,
    warmupMs: intOpt(values, "warmup", 0, 60, 2) * 1000,
    workers: intOpt(values, "workers", 1, 8, 2),
    addresses: intOpt(values, "addresses", 1, 32, 4),
    pollIntervalMs: intOpt(values, "poll-interval", 50, 60_000, 1000),
  };
  checkFileLimit(base.clients, openFileLimit());
  const progress = createProgress();
  const results: RunResult[] = [];
  const url = values.url as string | undefined;
  const server: Target = url ? urlTarget(url) : await startTarget("server");
  try {
    for (const transport of transports as LoadTransport[]) {
      results.push(await runOnce({ ...base, transport }, server, progress.update));
      const baseline = baselineFor(transport, base.rate);
      if (values.baseline && baseline) {
        const target = await startTarget(baseline);
        try {
          results.push(await runOnce({ ...base, transport }, target, progress.update));
        } finally {
          await target.stop();
        }
      }
    }
  } finally {
    await server.stop();
  }
  progress.log("");
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else console.log([TABLE_HEADER, ...results.map(formatRow)].join("\n"));
  return results;
}

/** A few seconds per transport; exits non-zero unless every transport delivered everything in order. */
async function smoke() {
  const results = await run([
    "--transport",
    "all",
    "--clients",
    "20",
    "--rate",
    "20",
    "--duration",
    "2",
    "--warmup",
    "1",
  ]);
  const bad = results.filter(
    (r) => r.open !== 20 || r.received < r.expected * 0.9 || r.gaps > 0 || r.duplicates > 0,
  );
  if (bad.length > 0) throw new Error(`smoke failed for ${bad.map((r) => r.spec.transport).join(", ")}`);
  console.log("smoke: every transport delivered in order");
}

async function main() {
  const [command, ...rest] = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    console.log(HELP);
    return;
  }
  if (command === "run") await run(rest);
  else if (command === "smoke") await smoke();
  else if (command === "capacity") await runCapacity(rest);
  // pnpm runs this in apps/loadgen; a relative DIR means where the user typed it (INIT_CWD).
  else if (command === "report" && rest[0])
    console.log(writeReports(resolve(process.env.INIT_CWD ?? process.cwd(), rest[0])));
  else throw new Error(`unknown command "${command}" (try --help)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`loadgen: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
