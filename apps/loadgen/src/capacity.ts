import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type CapacityRow, sustained, writeCapacityReports } from "./capacity-report.ts";
import { environment, stampedDir } from "./environment.ts";
import { createProgress } from "./progress.ts";
import { type RunSpec, runOnce } from "./run.ts";
import { RUN_HEADER, runRow } from "./run-table.ts";
import { baselineFor, startTarget, type TargetKind } from "./targets.ts";

/** Runs the suite: idle ramp, fan-out, max sustained rate, each against its same-run baseline. */
export async function runCapacity(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: "boolean" }, out: { type: "string" } },
  });
  const quick = values.quick === true;
  const progress = createProgress();
  const results: CapacityRow[] = [];
  const common = {
    payloadBytes: 64,
    workers: 2,
    addresses: 8,
    pollIntervalMs: 1000,
    warmupMs: quick ? 500 : 2000,
  };
  const cell = async (
    scenario: CapacityRow["scenario"],
    target: Exclude<TargetKind, "url">,
    spec: RunSpec,
  ) => {
    const t = await startTarget(target);
    try {
      const result = await runOnce(spec, t, progress.update);
      results.push({ scenario, result });
      progress.log(`${scenario.padEnd(9)} ${runRow(result)}`);
      return result;
    } finally {
      await t.stop();
    }
  };
  progress.log(`          ${RUN_HEADER}`);

  const idleClients = quick ? 500 : 10_000;
  for (const transport of ["ws", "sse", "longPoll"] as const) {
    const spec: RunSpec = { ...common, transport, clients: idleClients, rate: 0, durationMs: 0 };
    await cell("idle", "server", spec);
    const baseline = baselineFor(transport, 0);
    if (baseline) await cell("idle", baseline, spec);
  }
  const fanClients = quick ? 100 : 1000;
  for (const rate of [10, 100]) {
    for (const transport of ["ws", "sse", "longPoll", "poll"] as const) {
      const spec: RunSpec = {
        ...common,
        transport,
        clients: fanClients,
        rate,
        durationMs: quick ? 2000 : 6000,
      };
      await cell("fanout", "server", spec);
      const baseline = baselineFor(transport, rate);
      if (baseline) await cell("fanout", baseline, spec);
    }
  }
  const steps = quick ? [50, 200] : [20, 50, 80, 120, 160, 200, 300];
  for (const transport of ["ws", "sse"] as const) {
    for (const target of ["server", baselineFor(transport, 1)] as const) {
      if (target === undefined) continue;
      for (const rate of steps) {
        const spec: RunSpec = {
          ...common,
          transport,
          clients: fanClients,
          rate,
          durationMs: quick ? 2000 : 5000,
        };
        const r = await cell("maxrate", target, spec);
        if (!sustained(r)) break;
      }
    }
  }

  const dir = values.out ?? stampedDir("capacity");
  mkdirSync(dir, { recursive: true });
  const env = environment();
  writeFileSync(join(dir, "results.json"), `${JSON.stringify({ env, quick, results }, null, 2)}\n`);
  const md = writeCapacityReports(dir);
  console.log(`\n${md}\n\nwrote ${dir}/{results.json,report.md,report.html}`);
}
