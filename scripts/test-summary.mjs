#!/usr/bin/env node
// Sums the test runners' own JSON reports (vitest `--reporter=json`, Playwright's JSON reporter)
// found under */test-results/ and prints one line on stdout: "N passed, N failed" (skipped tests,
// which are neither, are counted on stderr with the per-report lines).
// Every workspace package with a `test` script must have left a report of each runner the script
// names (vitest: test-results/vitest.json, Playwright: test-results/playwright.json; any report
// for a script naming neither): a runner that crashed, or was never run because its build or the
// runner before it failed, counts as one failure, as does an unreadable report.
// Exits 1 when anything failed or nothing passed (a run that tested nothing is a failure).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = process.argv[2] ?? process.cwd();
/** The report each runner leaves in a package's test-results/. */
const RUNNER_REPORTS = { vitest: "vitest.json", playwright: "playwright.json" };
/** Workspace packages (below the root) that have a `test` script, with the runners it names. */
const packages = [];
const reports = [];
const walk = (dir, depth) => {
  if (depth > 4) return;
  const manifest = join(dir, "package.json");
  const test = depth > 0 && existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).scripts?.test;
  if (test) packages.push({ dir, runners: Object.keys(RUNNER_REPORTS).filter((r) => test.includes(r)) });
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

/** Names of the failed tests of a vitest report, with the start of their first failure message. */
function vitestFailures(report) {
  const out = [];
  for (const file of report.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).every((a) => a.status !== "failed")) {
      out.push(`${relative(root, file.name)}: ${firstLine(file.message)}`);
    }
    for (const a of file.assertionResults ?? []) {
      if (a.status === "failed")
        out.push(`${relative(root, file.name)} › ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    }
  }
  return out;
}

/** Names of the tests of a Playwright report that failed on every try, with their first error. */
function playwrightFailures(report) {
  const out = (report.errors ?? []).map((e) => `(run) ${firstLine(e.message)}`);
  const visit = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== "unexpected") continue;
        const error = test.results?.at(-1)?.error?.message;
        out.push(`${spec.file}:${spec.line} › ${[...titles, spec.title].join(" › ")}: ${firstLine(error)}`);
      }
    }
    for (const child of suite.suites ?? [])
      visit(child, child.title && !child.title.endsWith(".ts") ? [...titles, child.title] : titles);
  };
  for (const suite of report.suites ?? []) visit(suite, []);
  return out;
}

/** The first non-empty line of a failure message, without terminal colours, at most 300 characters. */
function firstLine(message) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what is removed
  const plain = String(message ?? "no message").replace(/\u001b\[[0-9;]*m/g, "");
  const line = plain.split("\n").find((l) => l.trim() !== "") ?? "no message";
  return line.trim().slice(0, 300);
}

/** passed/failed/skipped of one report (and the failed tests' names), or undefined when unreadable. */
function count(file) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof report.numPassedTests === "number") {
    // vitest (Jest-compatible JSON); a suite that failed to load counts as one failure
    const loadFailure = report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0;
    return {
      p: report.numPassedTests,
      f: report.numFailedTests + loadFailure,
      s: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
      failures: vitestFailures(report),
    };
  }
  if (report.stats && typeof report.stats.expected === "number") {
    // Playwright: flaky tests passed on retry, and are reported as such; top-level errors
    // (a webServer that did not start, a config that threw) fail the run without failing a test.
    return {
      p: report.stats.expected + report.stats.flaky,
      f: report.stats.unexpected + (report.errors?.length ?? 0),
      s: report.stats.skipped,
      failures: playwrightFailures(report),
    };
  }
  return undefined;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  const c = count(file);
  if (c === undefined) {
    console.error(`test-summary: ${relative(root, file)} is not a readable vitest or Playwright JSON report`);
    failed += 1;
    continue;
  }
  console.error(`test-summary: ${relative(root, file)}: ${c.p} passed, ${c.f} failed, ${c.s} skipped`);
  for (const failure of c.failures) console.error(`test-summary:   failed: ${failure}`);
  passed += c.p;
  failed += c.f;
  skipped += c.s;
}
for (const { dir, runners } of packages) {
  const results = join(dir, "test-results");
  if (runners.length === 0 && !reports.some((file) => file.startsWith(results))) {
    console.error(`test-summary: ${relative(root, dir)}: no report (its runner crashed or was not run)`);
    failed += 1;
  }
  for (const runner of runners) {
    if (!reports.includes(join(results, RUNNER_REPORTS[runner]))) {
      console.error(`test-summary: ${relative(root, dir)}: no ${runner} report (it crashed or was not run)`);
      failed += 1;
    }
  }
}
console.error(`test-summary: ${reports.length} reports, ${skipped} skipped in all`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
