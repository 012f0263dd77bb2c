import {
  barChart,
  escapeHtml,
  factList,
  htmlPage,
  htmlTable,
  SOCKET_IO_COLOR,
  TRANSPORT_COLORS,
} from "@transport-lab/report";
import { type BenchResult, laneFigures, lanesOf, type TransportFiguresResult } from "./bench-result.ts";
import { runFacts } from "./run-facts.ts";
import { cellProblems, payloadLabel, reportTables, SHORT } from "./tables.ts";

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
    series: lanesOf(result.settings).map((t) => ({
      name: SHORT[t],
      color: t === "socketio" ? SOCKET_IO_COLOR : TRANSPORT_COLORS[t],
      values: result.cells.map((c) => pick(laneFigures(c, t))),
    })),
  });
}

/** `report.html`: the run's facts, charts (inline SVG, no scripts) and every table of the Markdown report. */
export function htmlReport(result: BenchResult): string {
  const charts = [
    chart(result, "p50 delivery latency", "ms", (f) => f.latency.p50, true),
    chart(result, "p99 delivery latency", "ms", (f) => f.latency.p99, true),
    chart(result, "HTTP requests per message", "requests", (f) => f.requestsPerMessage, true),
    chart(result, "Wire bytes per message (in + out)", "bytes", (f) => f.bytesPerMessage, true),
  ];
  const tables = reportTables(result)
    .map((t) => `<h2>${escapeHtml(t.title)}</h2><p class="note">${escapeHtml(t.note)}</p>${htmlTable(t)}`)
    .join("\n");
  const problems = cellProblems(result);
  const problemList =
    problems.length === 0
      ? ""
      : `<h2>Problems</h2><ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ul>`;
  return htmlPage(
    "Transport Lab browser benchmark",
    `${factList(runFacts(result))}
<div class="charts">${charts.join("\n")}</div>
${tables}
${problemList}`,
  );
}
