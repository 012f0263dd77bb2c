import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BASELINE_COLOR,
  barChart,
  escapeHtml,
  htmlPage,
  htmlTable,
  markdownTable,
  SERVER_COLOR,
  type Table,
} from "@transport-lab/report";
import { type Environment, environmentLine } from "./environment.ts";
import { baselineOf, memoryRatio, OVERLOADED_MS, sameRunRatio } from "./ratios.ts";
import type { RunResult } from "./run.ts";

/** One measured cell of the capacity suite. */
export interface CapacityRow {
  readonly scenario: "idle" | "fanout" | "maxrate";
  readonly result: RunResult;
}

/** `results.json` of a capacity run. */
interface CapacityRecord {
  readonly env: Environment;
  readonly quick: boolean;
  readonly results: readonly CapacityRow[];
}

/** (Re)writes report.md and report.html from a run's results.json; returns the Markdown. */
export function writeCapacityReports(dir: string): string {
  const record = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as CapacityRecord;
  const { md, html } = render(record);
  writeFileSync(join(dir, "report.md"), md);
  writeFileSync(join(dir, "report.html"), html);
  return md;
}

/**
 * A rate is sustained when p99 < 100 ms both from sequencing and from the scheduled send time
 * (a generator that fell behind hides its backlog from the first), and ≥ 95 % was delivered.
 */
export function sustained(r: RunResult): boolean {
  const p99 = r.latency.p99 ?? Number.POSITIVE_INFINITY;
  const p99Scheduled = r.latencyScheduled.p99 ?? Number.POSITIVE_INFINITY;
  return p99 < 100 && p99Scheduled < 100 && r.received >= r.expected * 0.95;
}

/** The sustained maximum per (transport, target): the highest sustained rate. */
function maxRates(rows: readonly CapacityRow[]): Map<string, RunResult> {
  const best = new Map<string, RunResult>();
  for (const { scenario, result: r } of rows) {
    if (scenario !== "maxrate" || !sustained(r)) continue;
    const key = `${r.spec.transport}|${r.target}`;
    if ((best.get(key)?.deliveriesPerSecond ?? -1) < r.deliveriesPerSecond) best.set(key, r);
  }
  return best;
}

const FANOUT_NOTE = `"overloaded": this server or its baseline was over ${OVERLOADED_MS} ms behind its schedule (p99), so its window holds backlog and its p99 from sequencing hides the delay: no ratio is given; the highest sustained rate compares throughput. "p99 vs schedule": receive time − the time the message was due. "B/msg in": bytes each client received per message after TCP: WebSocket frames with their header, SSE event text, poll answer bodies (HTTP heads and chunked framing not counted).`;

const f1 = (n: number | null | undefined) => (n === null || n === undefined ? "–" : n.toFixed(1));
const kb = (r: RunResult | undefined) =>
  r === undefined || r.memoryPerConnection === null ? "–" : (r.memoryPerConnection / 1024).toFixed(1);

function idleTable(idle: readonly RunResult[]): Table {
  return {
    title: "Idle memory per connection",
    note: "(server RSS with every client connected − RSS before) / connections, each target freshly started.",
    head: ["transport", "connections", "server KB/conn", "baseline KB/conn", "ratio", "healthz max ms"],
    keys: 1,
    rows: idle
      .filter((r) => r.target === "server")
      .map((r) => {
        const b = baselineOf(r, idle);
        return [
          r.spec.transport,
          String(r.open),
          kb(r),
          kb(b),
          memoryRatio(r, b),
          r.server.healthzMsMax.toFixed(1),
        ];
      }),
  };
}

function fanoutTable(fan: readonly RunResult[]): Table {
  return {
    title: "Fan-out",
    note: FANOUT_NOTE,
    head: [
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
    ],
    keys: 1,
    rows: fan
      .filter((r) => r.target === "server")
      .map((r) => {
        const b = baselineOf(r, fan);
        return [
          r.spec.transport,
          String(r.spec.rate),
          String(r.open),
          r.deliveriesPerSecond.toFixed(0),
          f1(r.latency.p50),
          f1(r.latency.p99),
          f1(r.latencyScheduled.p99),
          f1(b?.latency.p99),
          sameRunRatio(r, b, (x) => x.latency.p99),
          sameRunRatio(r, b, (x) => x.deliveriesPerSecond),
          r.requestsPerSecond.toFixed(0),
          r.bytesPerMessage?.toFixed(0) ?? "–",
          `${r.gaps}/${r.duplicates}`,
        ];
      }),
  };
}

function maxRateTable(best: Map<string, RunResult>): Table {
  return {
    title: "Highest sustained rate (p99 < 100 ms from sequencing and from schedule, ≥ 95 % delivered)",
    note: "",
    head: ["transport", "target", "rate msg/s", "deliveries/s", "p99 ms"],
    keys: 2,
    rows: [...best.values()].map((r) => [
      r.spec.transport,
      r.target,
      String(r.spec.rate),
      r.deliveriesPerSecond.toFixed(0),
      f1(r.latency.p99),
    ]),
  };
}

/** One chart of a figure per transport: this server's bar beside its baseline's. */
function targetChart(
  title: string,
  unit: string,
  rows: readonly RunResult[],
  group: (r: RunResult) => string,
  value: (r: RunResult) => number | null,
  log = false,
): string {
  const groups = [...new Set(rows.map(group))];
  const pick = (baseline: boolean) =>
    groups.map((g) => {
      const r = rows.find((x) => group(x) === g && (x.target === "server") !== baseline);
      return r === undefined ? null : value(r);
    });
  return barChart({
    title,
    unit,
    log,
    groups,
    series: [
      { name: "this server", color: SERVER_COLOR, values: pick(false) },
      { name: "baseline", color: BASELINE_COLOR, values: pick(true) },
    ],
  });
}

function render({ env, quick, results }: CapacityRecord): { md: string; html: string } {
  const idle = results.filter((r) => r.scenario === "idle").map((r) => r.result);
  const fan = results.filter((r) => r.scenario === "fanout").map((r) => r.result);
  const best = maxRates(results);
  const tables = [idleTable(idle), fanoutTable(fan), maxRateTable(best)];
  const title = `Capacity benchmark${quick ? " (quick)" : ""}`;
  const machine = `Machine: ${environmentLine(env)}. Server and load clients share the machine; read ratios, not absolute times.`;
  const md = [
    `# ${title}`,
    "",
    machine,
    ...tables.flatMap((t) => [
      "",
      `## ${t.title}`,
      "",
      markdownTable(t),
      ...(t.note === "" ? [] : ["", t.note]),
    ]),
    "",
  ].join("\n");
  const charts = [
    targetChart(
      "KB per idle connection",
      "KB",
      idle,
      (r) => r.spec.transport,
      (r) => (r.memoryPerConnection === null ? null : r.memoryPerConnection / 1024),
    ),
    targetChart(
      "p99 delivery latency",
      "ms",
      fan,
      (r) => `${r.spec.transport} @ ${r.spec.rate}/s`,
      (r) => r.latency.p99,
      true, // interval polling's ~1 s beside WebSocket's ms: decades apart
    ),
    targetChart(
      "deliveries/s at p99 < 100 ms",
      "k/s",
      [...best.values()],
      (r) => r.spec.transport,
      (r) => r.deliveriesPerSecond / 1000,
    ),
  ];
  const html = htmlPage(
    title,
    `<p>${escapeHtml(machine)}</p>${tables
      .map(
        (t, i) =>
          `<h2>${escapeHtml(t.title)}</h2><div class="charts">${charts[i] ?? ""}</div>${htmlTable(t)}${t.note === "" ? "" : `<p class="note">${escapeHtml(t.note)}</p>`}`,
      )
      .join("\n")}`,
  );
  return { md, html };
}
