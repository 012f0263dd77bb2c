import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { markdownTable, textTable } from "@transport-lab/report";
import {
  freePort,
  haproxyConfig,
  redisServerArgs,
  requireCommand,
  waitForPort,
} from "@transport-lab/server/cluster-parts";
import { environment, stampedDir } from "./environment.ts";
import { createProgress } from "./progress.ts";
import { comparePublishRates, medianOrNull, publishRows } from "./publish-rate.ts";
import { type RunResult, type RunSpec, runOnce } from "./run.ts";
import { startTarget, type Target, urlTarget } from "./targets.ts";

/** A child process killed at the end of the run. */
function spawnQuiet(command: string, args: string[]): ChildProcess {
  return spawn(command, args, { stdio: "ignore" });
}

/** Redis and HAProxy for the run, and the instances started on that Redis. */
interface Rig {
  redisUrl: string;
  redisPid: number | undefined;
  instances(n: number): Promise<{ targets: Target[]; balancer: Target }>;
  stop(): Promise<void>;
}

async function startRig(): Promise<Rig> {
  requireCommand("redis-server", "redis-server");
  requireCommand("haproxy", "haproxy");
  const redisPort = await freePort();
  const children: ChildProcess[] = [spawnQuiet("redis-server", redisServerArgs(redisPort))];
  await waitForPort(redisPort);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const dir = mkdtempSync(path.join(tmpdir(), "tl-scale-"));
  const started: Target[] = [];
  return {
    redisUrl,
    redisPid: children[0]?.pid,
    async instances(n) {
      const targets = await Promise.all(
        Array.from({ length: n }, () => startTarget("server", { env: { REDIS_URL: redisUrl } })),
      );
      started.push(...targets);
      const port = await freePort();
      const file = path.join(dir, `haproxy-${port}.cfg`);
      writeFileSync(
        file,
        haproxyConfig(
          port,
          targets.map((t) => Number(new URL(t.base).port)),
        ),
      );
      const haproxy = spawnQuiet("haproxy", ["-db", "-f", file]);
      children.push(haproxy);
      await waitForPort(port);
      await new Promise((r) => setTimeout(r, 1000)); // the first health checks
      const balancer = urlTarget(`http://127.0.0.1:${port}`);
      return {
        targets,
        balancer: {
          ...balancer,
          stop: async () => {
            haproxy.kill("SIGKILL");
            await Promise.all(targets.map((t) => t.stop()));
          },
        },
      };
    },
    async stop() {
      await Promise.all(started.map((t) => t.stop()));
      for (const child of children) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const spec = (over: Partial<RunSpec>): RunSpec => ({
  transport: "ws",
  clients: 100,
  rate: 1000,
  payloadBytes: 64,
  warmupMs: 2000,
  durationMs: 10_000,
  workers: 2,
  addresses: 4,
  pollIntervalMs: 1000,
  ...over,
});

const ms = (x: number | null) => (x === null ? "–" : `${x.toFixed(2)} ms`);
const diff = (a: number | null, b: number | null) =>
  a === null || b === null ? "–" : `${b >= a ? "+" : "−"}${Math.abs(b - a).toFixed(2)} ms`;
const over = (a: number | null, b: number | null) =>
  a === null || b === null || a === 0 ? "–" : (b / a).toFixed(2);
const due = (r: RunResult) => `${((100 * r.received) / Math.max(1, r.expected)).toFixed(0)} %`;
const kb = (x: number | null) => (x === null ? "–" : `${(x / 1024).toFixed(1)} KB`);

/**
 * `pnpm loadgen scale-out`: the in-memory log against Redis Streams in the same run, on the same
 * machine. Publishes/s on one channel for three shapes of publishers, with the CPU per publish of
 * publishers, server and Redis; publish→deliver latency at 1k msg/s (10 WebSocket clients, three
 * samples of each; 100 clients; from publish and from schedule); memory per idle WebSocket
 * (3,000); and fan-out to 1,000 clients through HAProxy to one instance and to two. Writes bench-results/scale-out-<time>/results.json and report.md.
 */
export async function runScaleOut(argv: string[]): Promise<void> {
  const quick = argv.includes("--quick");
  const seconds = quick ? 3 : 10;
  const samples = quick ? 1 : 3;
  const progress = createProgress();
  const rig = await startRig();
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(" ");
  const head = ["measure", "in-memory", "Redis", "ratio", "load avg (1/5/15)"];
  const rows: string[][] = [];
  // Each row is printed as soon as it is measured: a later failure keeps the earlier figures.
  const push = rows.push.bind(rows);
  rows.push = (...added: string[][]) => {
    for (const r of added) progress.log(r.join(" | "));
    return push(...added);
  };
  const results: Record<string, unknown> = {};
  try {
    // 1. Publishes/s on one channel, in memory and through Redis by turns: several shapes, since
    // every publishing WebSocket is a subscriber too (each publish goes out to all of them).
    const startStore = (redis: boolean) =>
      startTarget("server", redis ? { env: { REDIS_URL: rig.redisUrl } } : {});
    const shapes: [number, number][] = [
      [1, 64],
      [4, 16],
      [8, 32],
    ];
    const publish = await comparePublishRates(startStore, rig.redisPid, shapes, samples, quick ? 2 : 4);
    for (const c of publish) rows.push(...publishRows(c).map((r) => [...r, load()]));
    results.publishRate = publish;

    // 2. Latency at 1k msg/s and 3. memory per idle connection, each on a fresh server.
    const cell = async (s: RunSpec, redis: boolean): Promise<RunResult> => {
      const target = await startTarget("server", redis ? { env: { REDIS_URL: rig.redisUrl } } : {});
      try {
        return await runOnce(s, target, progress.update);
      } finally {
        await target.stop();
      }
    };
    // At 10 clients (10,000 frames/s) both logs keep up on this machine: the latency Redis adds.
    // At 100 (100,000 frames/s) the server process is saturated whichever log it uses; the rows
    // from the schedule show how far each falls behind, which the rows from publish do not (the
    // in-memory log stamps a message in the same call that fans it out).
    // At 10 clients `samples` runs of each by turns: one p99 is at the mercy of the machine, the
    // median of several and the server's event-loop delay beside it say whether a tail is ours.
    results.latency = {};
    for (const clients of [10, 100]) {
      const latencySpec = spec({ clients, rate: 1000, durationMs: seconds * 1000 });
      const runs: Record<"memory" | "redis", RunResult[]> = { memory: [], redis: [] };
      for (let i = 0; i < (clients === 10 ? samples : 1); i++) {
        runs.memory.push(await cell(latencySpec, false));
        runs.redis.push(await cell(latencySpec, true));
      }
      const of = (rs: RunResult[], f: (r: RunResult) => number | null) => medianOrNull(rs.map(f));
      for (const q of clients === 10 ? (["p50", "p90", "p99"] as const) : (["p50", "p99"] as const)) {
        const [m, r] = [of(runs.memory, (x) => x.latency[q]), of(runs.redis, (x) => x.latency[q])];
        const label = runs.memory.length > 1 ? `, median of ${runs.memory.length}` : "";
        rows.push([
          `publish→deliver ${q} at 1k msg/s, ${clients} WS clients${label}`,
          ms(m),
          ms(r),
          diff(m, r),
          load(),
        ]);
      }
      if (runs.memory.length > 1) {
        const each = (rs: RunResult[]) => rs.map((x) => (x.latency.p99 ?? 0).toFixed(1)).join(" ");
        const eld = (rs: RunResult[]) => rs.map((x) => x.server.eldP99Max.toFixed(1)).join(" ");
        rows.push(
          ["  p99 of each sample, ms", each(runs.memory), each(runs.redis), "", load()],
          ["  server event-loop delay p99 (max), ms", eld(runs.memory), eld(runs.redis), "", load()],
        );
      }
      const [latMem, latRedis] = [runs.memory[0] as RunResult, runs.redis[0] as RunResult];
      rows.push([
        `  from schedule p50 | p99, delivered of due (${clients} WS)`,
        `${ms(latMem.latencyScheduled.p50)} | ${ms(latMem.latencyScheduled.p99)}, ${due(latMem)}`,
        `${ms(latRedis.latencyScheduled.p50)} | ${ms(latRedis.latencyScheduled.p99)}, ${due(latRedis)}`,
        "",
        load(),
      ]);
      (results.latency as Record<string, unknown>)[clients] = runs;
    }
    const idleSpec = spec({ clients: quick ? 1000 : 3000, rate: 0 });
    const [idleMem, idleRedis] = [await cell(idleSpec, false), await cell(idleSpec, true)];
    const ratio =
      idleMem.memoryPerConnection && idleRedis.memoryPerConnection
        ? idleRedis.memoryPerConnection / idleMem.memoryPerConnection
        : Number.NaN;
    rows.push([
      `memory per idle WebSocket (${idleSpec.clients})`,
      kb(idleMem.memoryPerConnection),
      kb(idleRedis.memoryPerConnection),
      ratio.toFixed(3),
      load(),
    ]);
    results.idle = { memory: idleMem, redis: idleRedis };

    // 4. Fan-out to 1,000 clients through HAProxy: one instance, then two.
    // 10 msg/s × 1,000 = 10,000 deliveries/s: within what two instances, HAProxy, Redis and the load
    // workers can share on this 2-core machine (at 50 msg/s they starved each other).
    const fanSpec = spec({ clients: 1000, rate: 10, durationMs: seconds * 1000 });
    const fan: Record<string, RunResult> = {};
    for (const n of [1, 2]) {
      const { balancer } = await rig.instances(n);
      try {
        fan[n] = await runOnce(fanSpec, balancer, progress.update);
      } catch (err) {
        // An overloaded cluster (its /healthz failing, so HAProxy answers 503) is a finding too.
        progress.log(`fan-out with ${n} instance(s) failed: ${err instanceof Error ? err.message : err}`);
      } finally {
        await balancer.stop();
      }
    }
    const [one, two] = [fan[1], fan[2]];
    if (!one || !two) throw new Error("fan-out did not complete; the rows above stand");
    rows.push(
      [
        `fan-out ${fanSpec.rate} msg/s × 1,000 WS via HAProxy: deliveries/s (1 instance | 2)`,
        one.deliveriesPerSecond.toFixed(0),
        two.deliveriesPerSecond.toFixed(0),
        (two.deliveriesPerSecond / one.deliveriesPerSecond).toFixed(2),
        load(),
      ],
      [
        `fan-out p99 (1 instance | 2 instances)`,
        ms(one.latency.p99),
        ms(two.latency.p99),
        over(one.latency.p99, two.latency.p99),
        load(),
      ],
      [
        `fan-out gaps + duplicates (1 | 2)`,
        String(one.gaps + one.duplicates),
        String(two.gaps + two.duplicates),
        "",
        load(),
      ],
    );
    results.fanOut = { one, two };
  } finally {
    await rig.stop();
  }
  progress.log("");
  const table = textTable({ head, rows, keys: 1 });
  console.log(table);
  const dir = stampedDir("scale-out");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "results.json"),
    JSON.stringify({ argv, env: environment(), results }, null, 2),
  );
  writeFileSync(
    path.join(dir, "report.md"),
    `# Scale-out: in-memory log vs Redis Streams\n\n${markdownTable({ head, rows, keys: 1 })}\n`,
  );
  console.log(`\nwrote ${dir}/{results.json,report.md}`);
}
