import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { type LinksResponse, ROUTES } from "@transport-lab/protocol";
import { textTable } from "@transport-lab/report";
import { LOAD_TRANSPORTS, numberOption, transportsOf, userArgs } from "./args.ts";
import { runCapacity } from "./capacity.ts";
import { writeCapacityReports } from "./capacity-report.ts";
import { environment, stampedDir } from "./environment.ts";
import { IDLE_NOTE, idleTable } from "./idle-memory.ts";
import { summarizeProfiles } from "./profile-top.ts";
import { createProgress } from "./progress.ts";
import { type RunResult, type RunSpec, runOnce } from "./run.ts";
import { writeRunReports } from "./run-report.ts";
import { RUN_NOTES, runTable } from "./run-table.ts";
import { runScaleOut } from "./scale-out.ts";
import { runSoak } from "./soak.ts";
import {
  baselineFor,
  checkFileLimit,
  openFileLimit,
  startTarget,
  type Target,
  type TargetExtras,
  urlTarget,
} from "./targets.ts";

const HELP = `Transport Lab load generator — many clients against one server, on this machine only.

Usage:
  pnpm loadgen run [options]        one scenario; writes bench-results/run-<time>/{results.json,report.md,report.html}
  pnpm loadgen smoke                seconds-long check of every transport (used by the tests)
  pnpm loadgen capacity [--quick]   the capacity suite (same as pnpm bench:capacity [-- --quick]): idle
                                    ramp to 10,000 connections, fan-out to 1,000 clients at 10 and
                                    100 msg/s, highest sustained rate with p99 < 100 ms, all against
                                    raw ws / node:http baselines started in the same run; writes
                                    bench-results/capacity-<time>/{results.json,report.md,report.html}
  pnpm loadgen scale-out [--quick] the in-memory log against Redis Streams in one run: publishes/s on
                                    one channel, publish→deliver p50/p99 at 1k msg/s to 10 and 100
                                    WebSockets (and from the schedule), memory per idle
                                    WebSocket, fan-out to 1,000 clients via HAProxy to 1 instance vs 2
                                    (needs redis-server and haproxy); writes bench-results/scale-out-<time>/
  pnpm loadgen report DIR           rewrite DIR/report.md and report.html from a capacity DIR/results.json
  pnpm loadgen profile DIR          the functions with the most self time in every .cpuprofile in DIR
                                    (written by run --profile DIR)
  pnpm loadgen soak [--minutes 10]  connection churn, publishing (generator, HTTP, WebSocket) and
                                    slow readers on all four transports for that long (the first
                                    third, at most 3 minutes, is warm-up); reports RSS drift, heap
                                    after GC, event-loop delay p99 and delivered/lost counts (not in
                                    CI); writes bench-results/soak-<time>/results.json

Options for run:
  --transport T      ${LOAD_TRANSPORTS.join(" | ")} | all    (default ws; socketio: the
                     server's Socket.IO endpoint, its baseline Socket.IO itself)
  --clients N        clients per transport, 1–20000             (default 100)
  --rate R           messages/s from the server's generator, 0–5000; 0 = idle connections (default 10)
  --payload B        payload bytes, 0–65536                       (default 64)
  --duration S       measured seconds, 1–300                      (default 10)
  --warmup S         seconds before measuring, 0–60               (default 2)
  --url URL          an already running server (loopback only); default: start one per transport
                     (with RATE_LIMIT=0 and MAX_CONNECTIONS(_PER_ADDRESS)=60000; a server given
                     by --url needs MAX_CONNECTIONS_PER_ADDRESS ≥ clients / addresses)
  --baseline         also run each cell against the raw ws / node:http baseline, with same-run ratios
  --server FILE      the server bundle to start (default apps/server/dist/main.mjs): a build of
                     another commit, for a before/after comparison in the same run
  --profile DIR      start every target with node --cpu-prof, profiles written to DIR
  --repeat N         run every cell N times, each on fresh processes, 1–9 (default 1); idle
                     cells (--rate 0) then report the median and range of their memory figures
  --workers N        worker threads, 1–8                          (default 2)
  --addresses N      127.0.0.x source addresses, 1–32             (default 4)
  --poll-interval MS interval-polling period                      (default 1000)
  --out DIR          where the report files go                    (default bench-results/run-<time>)
  --link NAME        clients connect through the server's emulated link NAME
                     (GET /api/links lists them: loopback, lan, wifi, 4g, 3g, satellite, …);
                     not with --baseline, whose raw servers emulate nothing
  --json             print results as JSON instead of a table
`;

/** Runs one scenario per transport, each against a freshly started target unless `--url` names one. */
async function run(argv: string[], write = true): Promise<RunResult[]> {
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
      out: str,
      link: str,
      server: str,
      profile: str,
      repeat: str,
      baseline: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const transports = transportsOf(values.transport ?? "ws");
  const base: Omit<RunSpec, "transport"> = {
    clients: numberOption(values, "clients", 1, 20_000, 100),
    rate: numberOption(values, "rate", 0, 5000, 10),
    payloadBytes: numberOption(values, "payload", 0, 65_536, 64),
    durationMs: numberOption(values, "duration", 1, 300, 10) * 1000,
    warmupMs: numberOption(values, "warmup", 0, 60, 2) * 1000,
    workers: numberOption(values, "workers", 1, 8, 2),
    addresses: numberOption(values, "addresses", 1, 32, 4),
    pollIntervalMs: numberOption(values, "poll-interval", 50, 60_000, 1000),
  };
  const link = values.link;
  if (link !== undefined && values.baseline) {
    throw new Error("--link and --baseline do not go together: the raw baseline servers emulate no links");
  }
  if (link !== undefined) base.link = link;
  checkFileLimit(base.clients, openFileLimit());
  const progress = createProgress();
  const results: RunResult[] = [];
  const repeats = numberOption(values, "repeat", 1, 9, 1);
  const cell = async (target: Target, transport: RunSpec["transport"]) => {
    try {
      if (link !== undefined) await checkLink(target.base, link);
      results.push(await runOnce({ ...base, transport }, target, progress.update));
    } finally {
      await target.stop();
    }
  };
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const extras: TargetExtras = {
    // Idle cells read memory after a full GC too, through the target's inspector.
    inspect: base.rate === 0 && values.url === undefined,
    ...(values.profile === undefined
      ? {}
      : { execArgv: ["--cpu-prof", `--cpu-prof-dir=${resolve(cwd, values.profile)}`] }),
  };
  const serverScript = values.server === undefined ? {} : { script: resolve(cwd, values.server) };
  for (let i = 0; i < repeats; i++) {
    for (const transport of transports) {
      // A fresh server per transport: one that served the previous transport keeps some of that
      // memory, and the next one's memory per connection would come out too small, even negative.
      await cell(
        values.url === undefined
          ? await startTarget("server", { ...extras, ...serverScript })
          : urlTarget(values.url),
        transport,
      );
      const baseline = baselineFor(transport, base.rate);
      if (values.baseline && baseline) await cell(await startTarget(baseline, extras), transport);
    }
    // WebSocket rows are also set against Socket.IO's own server, the same-run anchor.
    if (values.baseline && transports.includes("ws") && !transports.includes("socketio")) {
      await cell(await startTarget("socketio-baseline", extras), "socketio");
    }
  }
  progress.log("");
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else {
    console.log(`${textTable(runTable(results))}\n\n${RUN_NOTES.join("\n")}`);
    if (base.rate === 0) console.log(`\n${textTable(idleTable(results))}\n\n${IDLE_NOTE}`);
  }
  if (write) {
    const dir =
      values.out === undefined
        ? stampedDir("run")
        : resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
    writeRunReports(dir, { kind: "transport-lab/loadgen-run", argv, env: environment(), results });
    console.log(`\nwrote ${dir}/{results.json,report.md,report.html}`);
  }
  return results;
}

/** Throws unless the server at `base` offers link `name` (the message lists the ones it does). */
async function checkLink(base: string, name: string): Promise<void> {
  const res = await fetch(`${base}${ROUTES.links}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok)
    throw new Error(`${base}${ROUTES.links} answered ${res.status}: is it a Transport Lab server?`);
  const { links } = (await res.json()) as LinksResponse;
  if (!links.some((l) => l.name === name)) {
    throw new Error(`--link must be one of ${links.map((l) => l.name).join(", ")}, got "${name}"`);
  }
}

/** A few seconds per transport; exits non-zero unless every transport delivered everything in order. */
async function smoke() {
  const args = ["--transport", "all", "--clients", "20", "--rate", "20", "--duration", "2", "--warmup", "1"];
  const results = await run(args, false);
  // An interval poller receives only what its last poll in the window fetched: up to one interval
  // of messages may still wait on the server when the window closes (more on a busy machine).
  const floor = (r: (typeof results)[number]) =>
    r.spec.transport === "poll"
      ? (r.expected * Math.max(0, r.spec.durationMs - r.spec.pollIntervalMs)) / r.spec.durationMs
      : r.expected;
  const bad = results.filter(
    (r) => r.open !== 20 || r.received < floor(r) * 0.9 || r.gaps > 0 || r.duplicates > 0,
  );
  if (bad.length > 0) throw new Error(`smoke failed for ${bad.map((r) => r.spec.transport).join(", ")}`);
  console.log("smoke: every transport delivered in order");
}

async function main() {
  const [command, ...rest] = userArgs(process.argv.slice(2));
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    console.log(HELP);
    return;
  }
  if (command === "run") await run(rest);
  else if (command === "smoke") await smoke();
  else if (command === "capacity") await runCapacity(rest);
  else if (command === "soak") await runSoak(rest);
  else if (command === "scale-out") await runScaleOut(rest);
  // pnpm runs this in apps/loadgen; a relative DIR means where the user typed it (INIT_CWD).
  else if (command === "profile" && rest[0])
    console.log(summarizeProfiles(resolve(process.env.INIT_CWD ?? process.cwd(), rest[0])));
  else if (command === "report" && rest[0])
    console.log(writeCapacityReports(resolve(process.env.INIT_CWD ?? process.cwd(), rest[0])));
  else throw new Error(`unknown command "${command}" (try --help)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`loadgen: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
