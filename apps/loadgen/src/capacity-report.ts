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
  SOCKET_IO_COLOR,
  type Table,
} from "@transport-lab/report";
import { type Environment, environmentLine, SHARED_MACHINE_NOTE, SOCKET_IO_ANCHOR } from "./environment.ts";
import {
  idleFigures,
  idleTable,
  medianOver,
  medianRatio,
  type Spread,
  spread,
  spreadText,
} from "./idle-memory.ts";
import { anchorOf, baselineOf, behindSchedule, OVERLOADED_MS, ratio, sameRunRatio } from "./ratios.ts";
import type { RunResult } from "./run.ts";

/** One measured cell of the capacity suite. */
export interface CapacityRow {
  /** "repeat": a further sample of a WebSocket fan-out cell (see {@link repeatedTable}). */
  readonly scenario: "idle" | "fanout" | "repeat" | "maxrate";
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

const FANOUT_NOTE = `"µs/dlv": the target's CPU time (user + system) over the measured window per delivery; "cpu ×base" and "cpu ×sio": this server's µs/dlv ÷ its baseline's and ÷ Socket.IO's (WebSocket rows), at the same rate and client count. "lg cpu%": the load generator's own CPU over the window (% of one core; near 200 % its two worker threads, not the target, set the pace). Baselines' own rows are in results.json. "overloaded": this server or its baseline was over ${OVERLOADED_MS} ms behind its schedule (p99), so its window holds backlog and its p99 from sequencing hides the delay: no ratio is given; the highest sustained rate compares throughput. "p99 vs schedule": receive time − the time the message was due. "B/msg in": bytes each client received per message after TCP: WebSocket frames with their header, SSE event text, poll answer bodies (HTTP heads and chunked framing not counted).`;

const f1 = (n: number | null | undefined) => (n === null || n === undefined ? "–" : n.toFixed(1));
/** Ratios to Socket.IO are given on WebSocket rows (the server's own Socket.IO row has it as its baseline). */
const withAnchor = (r: RunResult) => r.spec.transport === "ws";

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
      "p99 ×base",
      "deliv ×base",
      "µs/dlv",
      "cpu ×base",
      "cpu ×sio",
      "lg cpu%",
      "req/s",
      "B/msg in",
      "gaps/dups",
    ],
    keys: 3,
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
          f1(r.server.cpuPerDeliveryUs),
          sameRunRatio(r, b, (x) => x.server.cpuPerDeliveryUs),
          withAnchor(r) ? sameRunRatio(r, anchorOf(r, fan), (x) => x.server.cpuPerDeliveryUs) : "–",
          f1(r.loadClients?.cpuPercent),
          r.requestsPerSecond.toFixed(0),
          r.bytesPerMessage?.toFixed(0) ?? "–",
          `${r.gaps}/${r.duplicates}`,
        ];
      }),
  };
}

/**
 * The three WebSocket servers side by side, each as a multiple of raw `ws`: what the independent
 * measurement quoted in issue 14 compared (memory per idle connection, CPU per delivery).
 */
function anchorTable(
  idle: readonly RunResult[],
  fan: readonly RunResult[],
  repeated: readonly RepeatedFigure[],
): Table {
  const find = (pool: readonly RunResult[], target: string, clients: number, rate: number) =>
    pool.find((r) => r.target === target && r.spec.clients === clients && r.spec.rate === rate);
  const usOf = (r: RunResult | undefined) => r?.server.cpuPerDeliveryUs ?? null;
  const rows: string[][] = [];
  for (const clients of [
    ...new Set(idle.filter((x) => x.target === "ws-baseline").map((x) => x.spec.clients)),
  ]) {
    const server = idleFigures(idle, "server", "ws", clients);
    const raw = idleFigures(idle, "ws-baseline", "ws", clients);
    const sio = idleFigures(idle, "socketio-baseline", "socketio", clients);
    for (const [label, pick] of [
      ["", (f: typeof server) => f.rss],
      [", after GC", (f: typeof server) => f.rssAfterGc],
    ] as const) {
      rows.push([
        `KB per idle connection, ${clients}${label}`,
        spreadText(pick(server)),
        spreadText(pick(raw)),
        spreadText(pick(sio)),
        medianRatio(pick(server), pick(raw)),
        medianRatio(pick(sio), pick(raw)),
      ]);
    }
  }
  for (const r of fan.filter((x) => x.target === "ws-baseline")) {
    const label = `µs of CPU per delivery, ${r.spec.rate} msg/s × ${r.spec.clients}`;
    // A repeated cell gives its medians rather than its first sample.
    const med = repeated.find(
      (f) => f.kind === "cpu" && f.rate === r.spec.rate && f.clients === r.spec.clients,
    );
    if (med !== undefined) {
      rows.push([
        `${label}, median of ${med.server?.n ?? 0}`,
        ...[med.server, med.raw, med.sio].map((x) => spreadText(x)),
        medianRatio(med.server, med.raw),
        medianRatio(med.sio, med.raw),
      ]);
      continue;
    }
    const server = find(fan, "server", r.spec.clients, r.spec.rate);
    const sio = find(fan, "socketio-baseline", r.spec.clients, r.spec.rate);
    const both = (a: RunResult | undefined) =>
      a === undefined ? "–" : sameRunRatio(a, r, (x) => x.server.cpuPerDeliveryUs);
    rows.push([label, f1(usOf(server)), f1(usOf(r)), f1(usOf(sio)), both(server), both(sio)]);
  }
  return {
    title: "This server and Socket.IO against raw ws",
    note: SOCKET_IO_ANCHOR,
    head: ["figure", "this server", "raw ws", "Socket.IO", "server ×ws", "Socket.IO ×ws"],
    keys: 1,
    rows,
  };
}

/** One figure of a repeated WebSocket fan-out cell, per target over its samples. */
export interface RepeatedFigure {
  /** Which figure it is (labels are for reading, not for finding it). */
  readonly kind: "cpu" | "p99";
  readonly label: string;
  /** The label in a chart's group. */
  readonly short: string;
  readonly rate: number;
  readonly clients: number;
  readonly digits: number;
  readonly server: Spread | undefined;
  readonly raw: Spread | undefined;
  readonly sio: Spread | undefined;
  /** This server's sample ÷ the raw `ws` sample of the same round, in run order. */
  readonly pairs: readonly number[];
}

/**
 * The WebSocket fan-out cells sampled more than once (the fan-out row and its repeats), for the
 * figures issue 14's CPU and p99 goals are read at. The k-th sample of each target comes from the
 * same round. Samples of a target that fell behind its schedule are left out.
 */
export function repeatedFigures(results: readonly CapacityRow[]): RepeatedFigure[] {
  const repeats = results.filter((r) => r.scenario === "repeat").map((r) => r.result);
  const pool = results
    .filter((r) => r.scenario === "repeat" || r.scenario === "fanout")
    .map((r) => r.result)
    .filter((r) => r.spec.transport === "ws" || r.target === "socketio-baseline");
  const cells = [...new Map(repeats.map((r) => [`${r.spec.rate}|${r.spec.clients}`, r.spec])).values()];
  return cells.flatMap(({ rate, clients }) => {
    const of = (target: RunResult["target"]) =>
      pool.filter((r) => r.target === target && r.spec.rate === rate && r.spec.clients === clients);
    const [server, raw, sio] = [of("server"), of("ws-baseline"), of("socketio-baseline")];
    return (
      [
        ["cpu", "µs of CPU per delivery", "CPU/dlv", (r: RunResult) => r.server.cpuPerDeliveryUs, 2],
        ["p99", "p99 ms from sequencing", "p99", (r: RunResult) => r.latency.p99, 1],
      ] as const
    ).map(([kind, label, short, figure, digits]) => {
      const sampleOf = (r: RunResult | undefined) => {
        const v = r === undefined || behindSchedule(r) ? null : figure(r);
        return v === null || v <= 0 ? undefined : v;
      };
      const values = (runs: readonly RunResult[]) =>
        spread(runs.map(sampleOf).filter((x): x is number => x !== undefined));
      const pairs = server.flatMap((r, k) => {
        const [a, b] = [sampleOf(r), sampleOf(raw[k])];
        return a === undefined || b === undefined ? [] : [a / b];
      });
      return {
        kind,
        label,
        short,
        rate,
        clients,
        digits,
        server: values(server),
        raw: values(raw),
        sio: values(sio),
        pairs,
      };
    });
  });
}

function repeatedTable(figures: readonly RepeatedFigure[]): Table {
  return {
    title: "WebSocket fan-out, repeated",
    note: `Each cell run several times, the targets by turns (this server, raw ws, Socket.IO) and the rates by turns, each target freshly started: median (lowest–highest) over the samples; ×ws and ×sio are ratios of the medians; "each sample": this server's sample ÷ the raw ws sample of the same round. A sample more than ${OVERLOADED_MS} ms behind its schedule (p99) is left out.`,
    head: [
      "figure",
      "msg/s × clients",
      "samples (server / ws / sio)",
      "this server",
      "raw ws",
      "Socket.IO",
      "server ×ws",
      "server ×ws each sample",
      "server ×sio",
    ],
    keys: 2,
    rows: figures.map((f) => [
      f.label,
      `${f.rate} × ${f.clients}`,
      [f.server, f.raw, f.sio].map((x) => x?.n ?? 0).join(" / "),
      spreadText(f.server, f.digits),
      spreadText(f.raw, f.digits),
      spreadText(f.sio, f.digits),
      medianRatio(f.server, f.raw),
      f.pairs.length === 0 ? "–" : f.pairs.map((x) => x.toFixed(2)).join(" "),
      medianRatio(f.server, f.sio),
    ]),
  };
}

/** The repeated figures as multiples of raw `ws` (its bar at 1): medians over the samples. */
function repeatedChart(figures: readonly RepeatedFigure[]): string {
  return barChart({
    title: "× raw ws, medians of the repeated cells",
    unit: "× raw ws",
    groups: figures.map((f) => `${f.short} @ ${f.rate}/s`),
    series: [
      { name: "this server", color: SERVER_COLOR, values: figures.map((f) => medianOver(f.server, f.raw)) },
      { name: "raw ws", color: BASELINE_COLOR, values: figures.map((f) => medianOver(f.raw, f.raw)) },
      { name: "Socket.IO", color: SOCKET_IO_COLOR, values: figures.map((f) => medianOver(f.sio, f.raw)) },
    ],
  });
}

/** The best rows of this server's baseline and of Socket.IO (for WebSocket) beside a server's best row. */
function maxRateCompanions(
  r: RunResult,
  rows: readonly RunResult[],
): readonly [RunResult | undefined, RunResult | undefined] {
  const of = (transport: string, target: string) =>
    rows.find((x) => x.spec.transport === transport && x.target === target);
  if (r.target !== "server") return [undefined, undefined];
  const raw = of(r.spec.transport, r.spec.transport === "ws" ? "ws-baseline" : "http-baseline");
  return [raw, withAnchor(r) ? of("socketio", "socketio-baseline") : undefined];
}

/** The rates a target's failed tries were at: those it then sustained, and where it stopped. */
export function failedTries(
  r: RunResult,
  rows: readonly CapacityRow[],
): { retried: string; stopped: string } {
  const failed = rows
    .filter(({ scenario, result: x }) => scenario === "maxrate" && x.target === r.target)
    .map(({ result: x }) => x)
    .filter((x) => x.spec.transport === r.spec.transport && !sustained(x))
    .map((x) => x.spec.rate);
  const retried = failed.filter((rate) => rate <= r.spec.rate);
  const above = failed.filter((rate) => rate > r.spec.rate);
  return {
    retried: retried.length === 0 ? "–" : retried.join(", "),
    stopped: above.length === 0 ? "–" : String(Math.min(...above)),
  };
}

function maxRateTable(best: Map<string, RunResult>, all: readonly CapacityRow[]): Table {
  const rows = [...best.values()];
  return {
    title: "Highest sustained rate (p99 < 100 ms from sequencing and from schedule, ≥ 95 % delivered)",
    note: "×base: this server's deliveries/s ÷ its raw baseline's; ×sio: ÷ Socket.IO's (WebSocket). Each target steps up through the rates (to the fan-out's client count) until the first one it does not sustain twice: a rate it fails is tried once more on a freshly started target, and counts if either try sustains it. \"retried at\": rates whose first try failed and second sustained; \"not sustained at\": the rate both tries failed (– when the last step was sustained).",
    head: [
      "transport",
      "target",
      "rate msg/s",
      "deliveries/s",
      "p99 ms",
      "µs/dlv",
      "×base",
      "×sio",
      "retried at",
      "not sustained at",
    ],
    keys: 2,
    rows: rows.map((r) => {
      const [raw, sio] = maxRateCompanions(r, rows);
      const { retried, stopped } = failedTries(r, all);
      return [
        r.spec.transport,
        r.target,
        String(r.spec.rate),
        r.deliveriesPerSecond.toFixed(0),
        f1(r.latency.p99),
        f1(r.server.cpuPerDeliveryUs),
        raw === undefined ? "–" : ratio(r.deliveriesPerSecond, raw.deliveriesPerSecond),
        sio === undefined ? "–" : ratio(r.deliveriesPerSecond, sio.deliveriesPerSecond),
        retried,
        stopped,
      ];
    }),
  };
}

/**
 * One chart of a figure per group of this server's rows: its bar, its baseline's (raw `ws` /
 * `node:http`, or Socket.IO itself for the server's Socket.IO endpoint) and, for WebSocket rows,
 * Socket.IO's, all at the same rate and client count.
 */
function targetChart(
  title: string,
  unit: string,
  rows: readonly RunResult[],
  group: (r: RunResult) => string,
  value: (r: RunResult) => number | null,
  log = false,
  /** The baseline and Socket.IO rows a server row is drawn beside (default: same rate and clients). */
  companions: (r: RunResult) => readonly [RunResult | undefined, RunResult | undefined] = (r) => [
    baselineOf(r, rows),
    withAnchor(r) ? anchorOf(r, rows) : undefined,
  ],
): string {
  const servers = rows.filter((r) => r.target === "server");
  const values = (pick: (r: RunResult) => RunResult | undefined) =>
    servers.map((r) => {
      const x = pick(r);
      return x === undefined ? null : value(x);
    });
  return barChart({
    title,
    unit,
    log,
    groups: servers.map(group),
    series: [
      { name: "this server", color: SERVER_COLOR, values: values((r) => r) },
      { name: "baseline", color: BASELINE_COLOR, values: values((r) => companions(r)[0]) },
      { name: "Socket.IO", color: SOCKET_IO_COLOR, values: values((r) => companions(r)[1]) },
    ],
  });
}

function render({ env, quick, results }: CapacityRecord): { md: string; html: string } {
  const idle = results.filter((r) => r.scenario === "idle").map((r) => r.result);
  const fan = results.filter((r) => r.scenario === "fanout").map((r) => r.result);
  const best = maxRates(results);
  const repeated = repeatedFigures(results);
  // Each table with the chart drawn above it in the HTML; a run without repeated cells has none.
  const sections: [Table, string][] = [
    [
      idleTable(idle),
      targetChart(
        "KB per idle connection",
        "KB",
        idle,
        (r) => `${r.spec.transport} × ${r.spec.clients}`,
        (r) => (r.memoryPerConnection === null ? null : r.memoryPerConnection / 1024),
      ),
    ],
    [
      fanoutTable(fan),
      targetChart(
        "p99 delivery latency",
        "ms",
        fan,
        (r) => `${r.spec.transport} @ ${r.spec.rate}/s`,
        (r) => r.latency.p99,
        true, // interval polling's ~1 s beside WebSocket's ms: decades apart
      ),
    ],
    ...(repeated.length === 0
      ? []
      : [[repeatedTable(repeated), repeatedChart(repeated)] satisfies [Table, string]]),
    [
      maxRateTable(best, results),
      targetChart(
        "deliveries/s at p99 < 100 ms",
        "k/s",
        [...best.values()],
        (r) => r.spec.transport,
        (r) => r.deliveriesPerSecond / 1000,
        false,
        (r) => maxRateCompanions(r, [...best.values()]),
      ),
    ],
    [
      anchorTable(idle, fan, repeated),
      targetChart(
        "µs of CPU per delivery",
        "µs",
        fan.filter(
          (r) => r.spec.transport === "ws" || r.spec.transport === "sse" || r.target === "socketio-baseline",
        ),
        (r) => `${r.spec.transport} @ ${r.spec.rate}/s`,
        (r) => r.server.cpuPerDeliveryUs,
      ),
    ],
  ];
  const tables = sections.map(([t]) => t);
  const title = `Capacity benchmark${quick ? " (quick)" : ""}`;
  const machine = `Machine: ${environmentLine(env)}. ${SHARED_MACHINE_NOTE}`;
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
  const html = htmlPage(
    title,
    `<p>${escapeHtml(machine)}</p>${sections
      .map(
        ([t, chart]) =>
          `<h2>${escapeHtml(t.title)}</h2><div class="charts">${chart}</div>${htmlTable(t)}${t.note === "" ? "" : `<p class="note">${escapeHtml(t.note)}</p>`}`,
      )
      .join("\n")}`,
  );
  return { md, html };
}
