import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createProgress } from "./progress.ts";
import { type Bar, barChart, formatRow, htmlTable, mdTable, TABLE_HEADER } from "./report.ts";
import { type RunResult, type RunSpec, runOnce } from "./run.ts";
import { baselineFor, startTarget, type TargetKind } from "./targets.ts";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** Versions and machine, so a report says what it measured. */
function environment() {
  const catalog = readFileSync(join(REPO, "pnpm-workspace.yaml"), "utf8");
  const version = (name: string) => catalog.match(new RegExp(`\\n\\s+"?${name}"?: (\\S+)`))?.[1] ?? "?";
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    versions: { ws: version("ws"), hono: version("hono"), "@hono/node-server": version("@hono/node-server") },
  };
}

/** Runs the suite: idle ramp, fan-out, max sustained rate, each against its same-run baseline. */
export async function runCapacity(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: "boolean" }, out: { type: "string" } },
  });
  const quick = values.quick === true;
  const progress = createProgress();
  const results: { scenario: string; result: RunResult }[] = [];
  const common = {
    payloadBytes: 64,
    workers: 2,
    addresses: 8,
    pollIntervalMs: 1000,
    warmupMs: quick ? 500 : 2000,
  };
  const cell = async (scenario: string, target: Exclude<TargetKind, "url">, spec: RunSpec) => {
    const t = await startTarget(target);
    try {
      const result = await runOnce(spec, t, progress.update);
      results.push({ scenario, result });
      progress.log(`${scenario.padEnd(9)} ${formatRow(result)}`);
      return result;
    } finally {
      await t.stop();
    }
  };
  progress.log(`          ${TABLE_HEADER}`);

  const idleClients = quick ? 500 : 10_000;
  for (const transport of ["ws", "sse", "longPoll"] as const) {
    const spec: RunSpec = { ...common, transport, clients: idleClients, rate: 0, durationMs: 0 };
    await cell("idle", "server", spec);
    const baseline = baselineFor(transport, 0);
    if (baseline) await cell("idle", baseline, spec);
  }
  const fanClients = quick ? 100 : 1000;
  for (const rate of [10, 100]) {
    for (const transport of ["ws", "sse", "longPoll", "poll"] as const) {
      const spec: RunSpec = {
        ...common,
        transport,
        clients: fanClients,
        rate,
        durationMs: quick ? 2000 : 6000,
      };
      await cell("fanout", "server", spec);
      const baseline = baselineFor(transport, rate);
      if (baseline) await cell("fanout", baseline, spec);
    }
  }
  const steps = quick ? [50, 200] : [20, 50, 80, 120, 160, 200, 300];
  for (const transport of ["ws", "sse"] as const) {
    for (const target of ["server", baselineFor(transport, 1)] as const) {
      if (target === undefined) continue;
      for (const rate of steps) {
        const spec: RunSpec = {
          ...common,
          transport,
          clients: fanClients,
          rate,
          durationMs: quick ? 2000 : 5000,
        };
        const r = await cell("maxrate", target, spec);
        if (!sustained(r)) break;
      }
    }
  }

  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const dir = (values.out as string | undefined) ?? join(REPO, "bench-results", `capacity-${stamp}`);
  mkdirSync(dir, { recursive: true });
  const env = environment();
  writeFileSync(join(dir, "results.json"), `${JSON.stringify({ env, quick, results }, null, 2)}\n`);
  const md = writeReports(dir);
  console.log(`\n${md}\n\nwrote ${dir}/{results.json,report.md,report.html}`);
}

type Row = { scenario: string; result: RunResult };

/** (Re)writes report.md and report.html from a run's results.json; returns the Markdown. */
export function writeReports(dir: string): string {
  const { env, quick, results } = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as {
    env: ReturnType<typeof environment>;
    quick: boolean;
    results: Row[];
  };
  const { md, html } = render(env, results, quick);
  writeFileSync(join(dir, "report.md"), md);
  writeFileSync(join(dir, "report.html"), html);
  return md;
}

/**
 * A rate is sustained when p99 < 100 ms both from sequencing and from the scheduled send time
 * (a generator that fell behind hides its backlog from the first), and ≥ 95 % was delivered.
 */
function sustained(r: RunResult): boolean {
  const p99 = r.latency.p99 ?? Number.POSITIVE_INFINITY;
  const p99Scheduled = r.latencyScheduled.p99 ?? Number.POSITIVE_INFINITY;
  return p99 < 100 && p99Scheduled < 100 && r.received >= r.expected * 0.95;
}

/** The sustained maximum per (transport, target): the highest sustained rate. */
function maxRates(rows: Row[]) {
  const best = new Map<string, RunResult>();
  for (const { scenario, result: r } of rows) {
    if (scenario !== "maxrate" || !sustained(r)) continue;
    const key = `${r.spec.transport}|${r.target}`;
    if ((best.get(key)?.deliveriesPerSecond ?? -1) < r.deliveriesPerSecond) best.set(key, r);
  }
  return best;
}

const ratio = (a: number | null, b: number | null) =>
  a !== null && b !== null && b > 0 ? (a / b).toFixed(2) : "–";

/** Schedule p99 past which a target is behind its own generator: its window counts backlog. */
const OVERLOADED_MS = 1000;

const TABLE_NOTES = `"overloaded": this server or its baseline was over ${OVERLOADED_MS} ms behind its schedule (p99), so its window holds backlog and its p99 from sequencing hides the delay: no ratio is given; the highest sustained rate compares throughput. "B/msg in": bytes each client received per message after TCP: WebSocket frames with their header, SSE event text, poll answer bodies (HTTP heads and chunked framing not counted).`;

/**
 * A figure of this server against its baseline's, when both kept up with the schedule. An
 * overloaded target delivers its backlog inside the window (more than the offered rate, or
 * less), and its latency from sequencing leaves out the time messages waited to be generated,
 * so a ratio of two such windows compares nothing.
 */
export function sameRunRatio(
  r: RunResult,
  b: RunResult | undefined,
  figure: (x: RunResult) => number | null,
): string {
  if (b === undefined) return "–";
  const behind = [r, b].some((x) => (x.latencyScheduled.p99 ?? Number.POSITIVE_INFINITY) > OVERLOADED_MS);
  return behind ? "overloaded" : ratio(figure(r), figure(b));
}

function render(env: ReturnType<typeof environment>, rows: Row[], quick: boolean) {
  const idle = rows.filter((r) => r.scenario === "idle").map((r) => r.result);
  const fan = rows.filter((r) => r.scenario === "fanout").map((r) => r.result);
  const baselineOf = (r: RunResult, pool: RunResult[]) =>
    pool.find(
      (b) => b.target !== "server" && b.spec.transport === r.spec.transport && b.spec.rate === r.spec.rate,
    );
  const idleRows = idle
    .filter((r) => r.target === "server")
    .map((r) => {
      const b = baselineOf(r, idle);
      const per = (x: RunResult | undefined) =>
        x?.memoryPerConnection == null ? "–" : (x.memoryPerConnection / 1024).toFixed(1);
      return [
        r.spec.transport,
        r.open,
        per(r),
        per(b),
        ratio(r.memoryPerConnection, b?.memoryPerConnection ?? null),
        r.server.healthzMsMax.toFixed(1),
      ];
    });
  const fanRows = fan
    .filter((r) => r.target === "server")
    .map((r) => {
      const b = baselineOf(r, fan);
      return [
        r.spec.transport,
        r.spec.rate,
        r.open,
        r.deliveriesPerSecond.toFixed(0),
        r.latency.p50?.toFixed(1) ?? "–",
        r.latency.p99?.toFixed(1) ?? "–",
        r.latencyScheduled.p99?.toFixed(1) ?? "–",
        b?.latency.p99?.toFixed(1) ?? "–",
        sameRunRatio(r, b, (x) => x.latency.p99),
        sameRunRatio(r, b, (x) => x.deliveriesPerSecond),
        r.requestsPerSecond.toFixed(0),
        r.bytesPerMessage?.toFixed(0) ?? "–",
        `${r.gaps}/${r.duplicates}`,
      ];
    });
  const best = maxRates(rows);
  const maxRows = [...best.entries()].map(([key, r]) => {
    const [transport, target] = key.split("|");
    return [
      transport ?? "",
      target ?? "",
      r.spec.rate,
      r.deliveriesPerSecond.toFixed(0),
      r.latency.p99?.toFixed(1) ?? "–",
    ];
  });
  const idleHead = [
    "transport",
    "connections",
    "server KB/conn",
    "baseline KB/conn",
    "ratio",
    "healthz max ms",
  ];
  const fanHead = [
    "transport",
    "msg/s",
    "clients",
    "deliveries/s",
    "p50 ms",
    "p99 ms",
    "p99 vs schedule",
    "baseline p99",
    "p99 ratio",
    "throughput ratio",
    "req/s",
    "B/msg in",
    "gaps/dups",
  ];
  const maxHead = ["transport", "target", "rate msg/s", "deliveries/s", "p99 ms"];
  const envLine = `${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}; Node ${env.node}; ws ${env.versions.ws}, hono ${env.versions.hono}, @hono/node-server ${env.versions["@hono/node-server"]}`;
  const md = [
    `# Capacity benchmark${quick ? " (quick)" : ""}`,
    "",
    `Machine: ${envLine}. Server and load clients share the machine; read ratios, not absolute times.`,
    "",
    "## Idle memory per connection",
    mdTable(idleHead, idleRows),
    "",
    "## Fan-out",
    mdTable(fanHead, fanRows),
    "",
    TABLE_NOTES,
    "",
    "## Highest sustained rate (p99 < 100 ms from sequencing and from schedule, ≥ 95 % delivered)",
    mdTable(maxHead, maxRows),
    "",
  ].join("\n");
  const memBars: Bar[] = idle.map((r) => ({
    group: r.spec.transport,
    label: r.target,
    value: (r.memoryPerConnection ?? 0) / 1024,
  }));
  const p99Bars: Bar[] = fan.map((r) => ({
    group: `${r.spec.transport} @ ${r.spec.rate}/s`,
    label: r.target,
    value: r.latency.p99 ?? 0,
  }));
  const maxBars: Bar[] = [...best.values()].map((r) => ({
    group: r.spec.transport,
    label: r.target,
    value: r.deliveriesPerSecond / 1000,
  }));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Capacity benchmark</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}th{background:#f3f4f6}</style></head><body>
<h1>Capacity benchmark${quick ? " (quick)" : ""}</h1><p>${envLine}. Server and load clients share the machine; read ratios, not absolute times.</p>
<h2>Idle memory per connection</h2>${barChart("KB per idle connection", "KB", memBars)}${htmlTable(idleHead, idleRows)}
<h2>Fan-out</h2>${barChart("p99 delivery latency", "ms", p99Bars)}${htmlTable(fanHead, fanRows)}<p>${TABLE_NOTES}</p>
<h2>Highest sustained rate</h2>${barChart("deliveries/s at p99 < 100 ms", "k/s", maxBars)}${htmlTable(maxHead, maxRows)}
</body></html>\n`;
  return { md, html };
}
