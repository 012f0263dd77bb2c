#!/usr/bin/env node
// Sums the test runners' own JSON reports (vitest `--reporter=json`, Playwright's JSON reporter)
// found under */test-results/ and prints one line on stdout: "N passed, N failed" (skipped tests,
// which are neither, are counted on stderr with the per-report lines).
// Exits 1 when any test failed or when no report was found (a run that tested nothing is a failure).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = process.argv[2] ?? process.cwd();
const reports = [];
const walk = (dir, depth) => {
  if (depth > 4) return;
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    if (name === "test-results") {
      // Dotfiles are runner bookkeeping (Playwright's .last-run.json), not reports.
      for (const file of readdirSync(path)) {
        if (file.endsWith(".json") && !file.startsWith(".")) reports.push(join(path, file));
      }
    } else walk(path, depth + 1);
  }
};
walk(root, 0);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  let p;
  let f;
  let s;
  if (typeof report.numPassedTests === "number") {
    // vitest (Jest-compatible JSON); a suite that failed to load counts as one failure
    p = report.numPassedTests;
    f = report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0);
    s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  } else if (report.stats && typeof report.stats.expected === "number") {
    // Playwright: flaky tests passed on retry, and are reported as such
    p = report.stats.expected + report.stats.flaky;
    f = report.stats.unexpected;
    s = report.stats.skipped;
  } else {
    console.error(`test-summary: ${relative(root, file)} is not a vitest or Playwright JSON report`);
    failed += 1;
    continue;
  }
  console.error(`test-summary: ${relative(root, file)}: ${p} passed, ${f} failed, ${s} skipped`);
  passed += p;
  failed += f;
  skipped += s;
}
if (reports.length === 0) console.error("test-summary: no test report found");
console.error(`test-summary: ${reports.length} reports, ${skipped} skipped in all`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
