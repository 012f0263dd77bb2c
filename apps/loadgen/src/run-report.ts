import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BASELINE_COLOR,
  barChart,
  escapeHtml,
  htmlPage,
  htmlTable,
  markdownTable,
  SERVER_COLOR,
} from "@transport-lab/report";
import { type Environment, environmentLine, SHARED_MACHINE_NOTE } from "./environment.ts";
import { IDLE_NOTE, idleTable } from "./idle-memory.ts";
import type { RunResult } from "./run.ts";
import { RUN_NOTES, runTable } from "./run-table.ts";

/** What `pnpm loadgen run` writes: every figure, the command that made them, and the machine. */
export interface RunRecord {
  readonly kind: "transport-lab/loadgen-run";
  readonly argv: readonly string[];
  readonly env: Environment;
  readonly results: readonly RunResult[];
}

/** p99 per transport: this server's bar beside its baseline's. */
function p99Chart(results: readonly RunResult[]): string {
  const transports = [...new Set(results.map((r) => r.spec.transport))];
  const p99 = (baseline: boolean) =>
    transports.map(
      (t) =>
        results.find(
          (r) => r.spec.transport === t && (r.target === "server" || r.target === "url") !== baseline,
        )?.latency.p99 ?? null,
    );
  return barChart({
    title: "p99 delivery latency",
    unit: "ms",
    log: true,
    groups: transports,
    series: [
      { name: "this server", color: SERVER_COLOR, values: p99(false) },
      ...(results.some((r) => r.target.endsWith("-baseline"))
        ? [{ name: "baseline", color: BASELINE_COLOR, values: p99(true) }]
        : []),
    ],
  });
}

/** Writes `results.json`, `report.md` and `report.html` into `dir`; returns the Markdown. */
export function writeRunReports(dir: string, record: RunRecord): string {
  mkdirSync(dir, { recursive: true });
  const table = runTable(record.results);
  const idle = record.results.some((r) => r.spec.rate === 0) ? idleTable(record.results) : undefined;
  const command = `pnpm loadgen run ${record.argv.join(" ")}`.trim();
  const md = [
    "# Load generator run",
    "",
    `\`${command}\` on ${environmentLine(record.env)}. ${SHARED_MACHINE_NOTE}`,
    "",
    markdownTable(table),
    "",
    ...RUN_NOTES.map((note) => `- ${note}`),
    "",
    ...(idle === undefined ? [] : [`## ${idle.title}`, "", markdownTable(idle), "", IDLE_NOTE, ""]),
  ].join("\n");
  const html = htmlPage(
    "Load generator run",
    `<p><code>${escapeHtml(command)}</code> on ${escapeHtml(environmentLine(record.env))}. ${SHARED_MACHINE_NOTE}</p>
<div class="charts">${p99Chart(record.results)}</div>${htmlTable(table)}
<ul class="note">${RUN_NOTES.map((note) => `<li>${escapeHtml(note)}</li>`).join("")}</ul>${
      idle === undefined ? "" : `<h2>${escapeHtml(idle.title)}</h2>${htmlTable(idle)}`
    }`,
  );
  writeFileSync(join(dir, "results.json"), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(dir, "report.md"), md);
  writeFileSync(join(dir, "report.html"), html);
  return md;
}
