// `pnpm bench`: the browser benchmark matrix. Starts the built server on a free port, launches
// Chromium, measures every rate × payload cell with all four transports at once (and Socket.IO with --socketio), writes
// bench-results/<timestamp>[-<link>]/{results.json,report.md,report.html} and prints the summary.
// With --link NAME every lane of the page goes through that emulated link (docs/network-links.md).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import type { LinkInfo, LinksResponse } from "@transport-lab/protocol";
import { count, num, textTable } from "@transport-lab/report";
import { CHROMIUM_ARGS, findChromium } from "../support/find-chromium.ts";
import { OwnServer } from "../support/own-server.ts";
import { serverDriver } from "../support/server-driver.ts";
import type { BenchSettings } from "./bench-result.ts";
import { type BenchProgress, DEFAULT_PAYLOADS, DEFAULT_RATES, matrix, runBench } from "./run-bench.ts";
import { cellLabel, summaryTable } from "./tables.ts";
import { runDirName, writeReports } from "./write-reports.ts";

const USAGE = `Usage: pnpm bench [-- options]
  --rates LIST       msg/s per cell, comma-separated   (default ${DEFAULT_RATES.join(",")})
  --payloads LIST    payload bytes, comma-separated    (default ${DEFAULT_PAYLOADS.join(",")})
  --warmup S         warm-up seconds per cell          (default 3)
  --duration S       measured seconds per cell         (default 10)
  --quick            1 s warm-up, 3 s measured
  --poll MS          interval-polling period of the page, 100–60000 (default 1000)
  --timeout MS       long-poll timeout of the page, 500–60000 (default 25000)
  --link NAME        every lane through this emulated network (GET /api/links: loopback, 4g, …);
                     default none, straight to the server
  --socketio         a fifth lane through the server's Socket.IO endpoint, WebSocket-only (the
                     anchor of docs/benchmarks.md); default off: it adds its own main-thread work
                     to the page the four share
  --history N        messages the server keeps per channel (default 10000: interval polling at
                     1000 msg/s must not fall off a 1000-message history between two polls)
  --out DIR          where to write (default bench-results/<timestamp>[-<link>] at the repo root)`;

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `--rates 1,10` → [1, 10]. Rates must be above 0 (a generator at 0 msg/s publishes nothing to
 * measure); payloads may be 0, which the generator takes as "as short as possible".
 */
function numbers(list: string, what: "rates" | "payloads"): number[] {
  const min = what === "rates" ? "above 0" : "0 or more";
  const values = list.split(",").map((s) => (s.trim() === "" ? Number.NaN : Number(s)));
  if (values.some((v) => !Number.isFinite(v) || (what === "rates" ? v <= 0 : v < 0))) {
    throw new Error(`--${what} must be a comma-separated list of numbers ${min}, got "${list}"`);
  }
  return values;
}

/**
 * The page's bounds for `?poll=` and `?timeout=` (apps/web/src/lib/settings.ts `LIMITS`): outside
 * them the page falls back to its default, and the report would name a setting that was not used.
 */
const PAGE_LIMITS = {
  poll: { min: 100, max: 60_000 },
  timeout: { min: 500, max: 60_000 },
} as const;

/** `--poll 300` → 300 (ms), a whole number within the page's bounds. */
function pageMs(value: string | undefined, fallback: number, what: keyof typeof PAGE_LIMITS): number {
  if (value === undefined) return fallback;
  const { min, max } = PAGE_LIMITS[what];
  const ms = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < min || ms > max) {
    throw new Error(`--${what} must be a whole number of ms from ${min} to ${max}, got "${value}"`);
  }
  return ms;
}

/**
 * The server's link named `name` (`--link`), from its own `GET /api/links`. Only networks: a
 * fault stops some transport on purpose, and a cell needs all four delivering.
 */
async function findLink(baseUrl: string, name: string): Promise<LinkInfo> {
  const { links } = (await (await fetch(`${baseUrl}/api/links`)).json()) as LinksResponse;
  const networks = links.filter((l) => l.kind === "network");
  const link = networks.find((l) => l.name === name);
  if (link === undefined)
    throw new Error(
      `--link must be one of the server's networks (${networks.map((l) => l.name).join(", ")}), got "${name}"`,
    );
  return link;
}

/** `--warmup 3` → 3000 (ms). */
function seconds(value: string | undefined, fallbackSeconds: number, what: string): number {
  const s = value === undefined ? fallbackSeconds : Number(value);
  if (!Number.isFinite(s) || s <= 0) throw new Error(`--${what} must be a positive number of seconds`);
  return Math.round(s * 1000);
}

const clock = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

/** The progress line: cell, phase with its own count-down, elapsed and an estimate of what is left. */
function progressLine(p: BenchProgress, settings: Pick<BenchSettings, "warmupMs" | "durationMs">): string {
  const now = performance.now();
  const inPhase = now - p.phaseStartedAt;
  const phase =
    p.plannedMs > 0 ? `${p.phase} ${(inPhase / 1000).toFixed(0)}/${p.plannedMs / 1000} s` : `${p.phase}…`;
  const perCell = settings.warmupMs + settings.durationMs + 8000;
  const left = Math.max(0, (p.total - p.index) * perCell - (now - p.phaseStartedAt));
  return `[${p.index + 1}/${p.total}] ${cellLabel(p.cell)} · ${phase} · ${clock(now - p.startedAt)} elapsed, ~${clock(left)} left`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // `pnpm bench -- --quick` passes the `--` through: accept it as well as `pnpm bench --quick`.
  if (argv[0] === "--") argv.shift();
  const { values } = parseArgs({
    args: argv,
    options: {
      rates: { type: "string" },
      payloads: { type: "string" },
      warmup: { type: "string" },
      duration: { type: "string" },
      quick: { type: "boolean" },
      poll: { type: "string" },
      timeout: { type: "string" },
      history: { type: "string" },
      link: { type: "string" },
      socketio: { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const rates = values.rates === undefined ? [...DEFAULT_RATES] : numbers(values.rates, "rates");
  const payloads =
    values.payloads === undefined ? [...DEFAULT_PAYLOADS] : numbers(values.payloads, "payloads");
  const base = {
    warmupMs: seconds(values.warmup, values.quick ? 1 : 3, "warmup"),
    durationMs: seconds(values.duration, values.quick ? 3 : 10, "duration"),
    pollIntervalMs: pageMs(values.poll, 1000, "poll"),
    longPollTimeoutMs: pageMs(values.timeout, 25_000, "timeout"),
    server: { HISTORY: values.history ?? "10000" },
    socketio: values.socketio === true,
  };
  if (values.link !== undefined && !/^[a-z0-9-]{1,64}$/.test(values.link))
    throw new Error(`--link takes a link name (a–z, 0–9, dashes), got "${values.link}"`);
  const suffix = values.link === undefined ? "" : `-${values.link}`;
  const outDir = values.out ?? path.join(repoRoot, "bench-results", `${runDirName(new Date())}${suffix}`);
  const cells = matrix(rates, payloads);

  const server = new OwnServer(undefined, base.server);
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  const stop = async () => {
    await browser?.close().catch(() => {});
    await server.stop();
  };
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  let shown = false;
  let progress: BenchProgress | undefined;
  const render = () => {
    if (progress === undefined) return;
    const line = progressLine(progress, base);
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
      shown = true;
    }
  };
  const ticker = setInterval(render, 500);
  try {
    await server.start();
    const settings: BenchSettings = {
      ...base,
      link: values.link === undefined ? null : await findLink(server.url, values.link),
    };
    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
    console.error(
      `Browser benchmark: ${cells.length} cells × (${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s), Chromium ${browser.version()}, server ${server.url}, network ${settings.link?.name ?? "none"}`,
    );
    const result = await runBench({
      browser,
      api: serverDriver(server.url),
      cells,
      settings,
      onProgress: (p) => {
        progress = p;
        if (process.stderr.isTTY) render();
        else if (p.phase === "measure") console.error(progressLine(p, settings));
      },
      onCell: (c, i) => {
        if (shown) process.stderr.write("\r\x1b[2K");
        shown = false;
        const { ws, poll, socketio } = c.transports;
        const sio = socketio === undefined ? "" : `, socket.io ${num(socketio.latency.p50)} ms`;
        console.error(
          `[${i + 1}/${cells.length}] ${cellLabel(c)}: ${count(c.published)} published · p50 ws ${num(ws.latency.p50)} ms, poll ${num(poll.latency.p50)} ms${sio}${c.problems.length === 0 ? "" : ` · ${c.problems.length} problem(s), see report`}`,
        );
      },
    });
    clearInterval(ticker);
    const files = await writeReports(outDir, result);
    console.log(`\n${textTable(summaryTable(result))}\n`);
    console.log(`Wrote ${files.json}\n      ${files.markdown}\n      ${files.html}`);
  } finally {
    clearInterval(ticker);
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
