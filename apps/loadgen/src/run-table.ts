import type { Table } from "@transport-lab/report";
import { anchorOf, baselineOf, memoryRatio, sameRunRatio } from "./ratios.ts";
import type { RunResult } from "./run.ts";

const f1 = (n: number | null | undefined) => (n === null || n === undefined ? "–" : n.toFixed(1));
const kb = (bytes: number | null) => (bytes === null ? "–" : (bytes / 1024).toFixed(1));

interface Column {
  readonly head: string;
  cell(r: RunResult, all: readonly RunResult[]): string;
}

/** A column of the rows printed one by one as cells finish: fixed width, padded to the left (the first two to the right). */
interface FixedColumn extends Column {
  readonly width: number;
}

const COLUMNS: readonly FixedColumn[] = [
  { head: "transport", width: 9, cell: (r) => r.spec.transport },
  {
    head: "target",
    width: 13,
    cell: (r) => (r.spec.link === undefined ? r.target : `${r.target}@${r.spec.link}`),
  },
  { head: "clients", width: 7, cell: (r) => String(r.open) },
  { head: "rate", width: 6, cell: (r) => String(r.spec.rate) },
  { head: "deliv/s", width: 9, cell: (r) => r.deliveriesPerSecond.toFixed(0) },
  { head: "p50 ms", width: 8, cell: (r) => f1(r.latency.p50) },
  { head: "p99 ms", width: 8, cell: (r) => f1(r.latency.p99) },
  { head: "p99 sch", width: 8, cell: (r) => f1(r.latencyScheduled.p99) },
  { head: "req/s", width: 8, cell: (r) => r.requestsPerSecond.toFixed(0) },
  { head: "B/msg", width: 7, cell: (r) => f1(r.bytesPerMessage) },
  { head: "KB/conn", width: 8, cell: (r) => kb(r.memoryPerConnection) },
  { head: "cpu%", width: 6, cell: (r) => f1(r.server.cpuMax) },
  { head: "µs/dlv", width: 7, cell: (r) => f1(r.server.cpuPerDeliveryUs) },
  { head: "lg cpu%", width: 7, cell: (r) => f1(r.loadClients?.cpuPercent) },
  { head: "gaps", width: 5, cell: (r) => String(r.gaps) },
];

/** Same-run ratios to the baseline, shown when a run has one (`--baseline`). */
const RATIO_COLUMNS: readonly Column[] = [
  { head: "p99 ×base", cell: (r, all) => ratioCell(r, all, (x) => x.latency.p99) },
  { head: "deliv ×base", cell: (r, all) => ratioCell(r, all, (x) => x.deliveriesPerSecond) },
  { head: "cpu ×base", cell: (r, all) => ratioCell(r, all, (x) => x.server.cpuPerDeliveryUs) },
  { head: "KB ×base", cell: (r, all) => (r.target === "server" ? memoryRatio(r, baselineOf(r, all)) : "") },
  {
    head: "cpu ×sio",
    cell: (r, all) =>
      !besideAnchor(r)
        ? ""
        : r.spec.rate === 0
          ? "–"
          : sameRunRatio(r, anchorOf(r, all), (x) => x.server.cpuPerDeliveryUs),
  },
  { head: "KB ×sio", cell: (r, all) => (besideAnchor(r) ? memoryRatio(r, anchorOf(r, all)) : "") },
];

/** A WebSocket row of this server, which is set against the Socket.IO anchor besides raw `ws`. */
const besideAnchor = (r: RunResult) => r.target === "server" && r.spec.transport === "ws";

/** A latency or throughput ratio on this server's row; none for idle connections (nothing was sent). */
function ratioCell(r: RunResult, all: readonly RunResult[], figure: (x: RunResult) => number | null): string {
  if (r.target !== "server") return "";
  return r.spec.rate === 0 ? "–" : sameRunRatio(r, baselineOf(r, all), figure);
}

/** What the columns mean, printed under the table and written into the reports. */
export const RUN_NOTES = [
  'transport: as the protocol names it (the --transport flag takes the same names), or socketio (Socket.IO over its WebSocket transport); target: this server, or the raw "ws-baseline" / "http-baseline" or Socket.IO\'s own server ("socketio-baseline", also the anchor of every WebSocket row) started for --baseline.',
  "p50 / p99 ms: receive time − the server's sequencing time (same machine, same clock).",
  'p99 sch: receive time − the time the message was due (start + n / rate), p99: a generator or server that falls behind shows here, while "p99 ms" still looks fine.',
  "req/s: HTTP requests per second over all clients (0 for WebSocket and SSE, whose one request was made before measuring); B/msg: bytes each client received per message after TCP (HTTP heads and chunked framing not counted).",
  "KB/conn: (server RSS with every client connected − RSS before) / clients, on a freshly started target; – when the RSS fell meanwhile (a garbage collection freed more than the connections took: no honest figure).",
  "cpu%: the target's highest CPU sample, % of one core; µs/dlv: the target's CPU time (user + system, /proc/<pid>/stat) over the measured window per delivery; lg cpu%: the load generator's own CPU over the window, % of one core (its 2 worker threads near 200 %: the clients set the pace, not the target). ×base: this server's figure ÷ the baseline's in the same run, ×sio ÷ Socket.IO's; \"overloaded\" where either was over 1 s behind its schedule.",
];

/** The columns of a table of `results`: the ratio columns only when one of them is a baseline. */
function columnsFor(results: readonly RunResult[]): readonly Column[] {
  return results.some((r) => r.target !== "server" && r.target !== "url")
    ? [...COLUMNS, ...RATIO_COLUMNS]
    : COLUMNS;
}

/** `results` as a report table (Markdown, HTML, terminal). */
export function runTable(results: readonly RunResult[], title = "Runs"): Table {
  const columns = columnsFor(results);
  return {
    title,
    note: RUN_NOTES.join(" "),
    head: columns.map((c) => c.head),
    rows: results.map((r) => columns.map((c) => c.cell(r, results))),
    keys: 2,
  };
}

/** The terminal header for rows printed one at a time as cells finish (without ratio columns). */
export const RUN_HEADER = COLUMNS.map((c, i) =>
  i < 2 ? c.head.padEnd(c.width) : c.head.padStart(c.width),
).join(" ");

/** One run as a terminal row under {@link RUN_HEADER}. */
export function runRow(r: RunResult): string {
  return COLUMNS.map((c, i) => {
    const text = c.cell(r, [r]);
    return i < 2 ? text.padEnd(c.width) : text.padStart(c.width);
  }).join(" ");
}
