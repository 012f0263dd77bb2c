import { markdownTable } from "@transport-lab/report";
import type { BenchResult } from "./bench-result.ts";
import { runFacts } from "./run-facts.ts";
import { cellProblems, reportTables } from "./tables.ts";

/** `report.md`: the run's facts, every table with its note, then any cell's problems. */
export function markdownReport(result: BenchResult): string {
  const out = ["# Transport Lab browser benchmark", ""];
  for (const [label, value] of runFacts(result)) out.push(`- **${label}:** ${value}`);
  for (const table of reportTables(result))
    out.push("", `## ${table.title}`, "", table.note, "", markdownTable(table));
  const problems = cellProblems(result);
  if (problems.length > 0) out.push("", "## Problems", "", ...problems.map((p) => `- ${p}`));
  return `${out.join("\n")}\n`;
}
