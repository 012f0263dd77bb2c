import { TRANSPORTS, type Transport } from "../support/server-api.ts";
import type { BenchResult, TransportFiguresResult } from "./bench-result.ts";
import { runFacts } from "./run-facts.ts";
import { barChart } from "./svg-chart.ts";
import { cellProblems, payloadLabel, reportTables, SHORT, type Table } from "./tables.ts";

/** One colour per transport, the same in every chart. */
const COLORS: Readonly<Record<Transport, string>> = {
  ws: "#2563eb",
  sse: "#16a34a",
  longPoll: "#d97706",
  poll: "#dc2626",
};

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** An HTML table from the same cells as the Markdown one. */
export function htmlTable(table: Pick<Table, "head" | "rows" | "keys">): string {
  const cell = (tag: "th" | "td", text: string, i: number) =>
    `<${tag}${i < table.keys ? ' class="key"' : ""}>${esc(text)}</${tag}>`;
  const head = table.head.map((h, i) => cell("th", h, i)).join("");
  const rows = table.rows.map((r) => `<tr>${r.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function chart(
  result: BenchResult,
  title: string,
  unit: string,
  pick: (f: TransportFiguresResult) => number | null,
  log: boolean,
): string {
  return barChart({
    title,
    unit,
    log,
    groups: result.cells.map((c) => `${c.rate}/s · ${payloadLabel(c.payloadBytes)}`),
    series: TRANSPORTS.map((t) => ({
      name: SHORT[t],
      color: COLORS[t],
      values: result.cells.map((c) => pick(c.transports[t])),
    })),
  });
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#111}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}th{background:#f3f4f6}
.key{text-align:left}.charts svg{display:block;margin:1rem 0}
.note{color:#444}dt{font-weight:600}dd{margin:0 0 .3rem 1rem}`;

/** `report.html`: the run's facts, charts (inline SVG, no scripts) and every table of the Markdown report. */
export function htmlReport(result: BenchResult): string {
  const facts = runFacts(result)
    .map(([label, value]) => `<dt>${esc(label)}</dt><dd>${esc(value)}</dd>`)
    .join("");
  const charts = [
    chart(result, "p50 delivery latency", "ms", (f) => f.latency.p50, true),
    chart(result, "p99 delivery latency", "ms", (f) => f.latency.p99, true),
    chart(result, "HTTP requests per message", "requests", (f) => f.requestsPerMessage, true),
    chart(result, "Wire bytes per message (in + out)", "bytes", (f) => f.bytesPerMessage, true),
  ];
  const tables = reportTables(result)
    .map((t) => `<h2>${esc(t.title)}</h2><p class="note">${esc(t.note)}</p>${htmlTable(t)}`)
    .join("\n");
  const problems = cellProblems(result);
  const problemList =
    problems.length === 0
      ? ""
      : `<h2>Problems</h2><ul>${problems.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Transport Lab browser benchmark</title>
<style>${STYLE}</style></head><body>
<h1>Transport Lab browser benchmark</h1>
<dl>${facts}</dl>
<div class="charts">${charts.join("\n")}</div>
${tables}
${problemList}
</body></html>
`;
}
