import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BenchResult } from "./bench-result.ts";
import { htmlReport } from "./html-report.ts";
import { markdownReport } from "./markdown-report.ts";

/** The three files of a run. */
export interface ReportFiles {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
}

/** A directory name for a run started at `at`: `2026-11-26T03-18-00Z`. */
export function runDirName(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
}

/** Writes `results.json`, `report.md` and `report.html` into `dir` (created if needed). */
export async function writeReports(dir: string, result: BenchResult): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const files = {
    json: path.join(dir, "results.json"),
    markdown: path.join(dir, "report.md"),
    html: path.join(dir, "report.html"),
  };
  await writeFile(files.json, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(files.markdown, markdownReport(result));
  await writeFile(files.html, htmlReport(result));
  return files;
}
