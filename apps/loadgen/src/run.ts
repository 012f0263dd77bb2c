import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import {
  createHistogram,
  type HistogramJSON,
  histogramFromJSON,
  type LatencySummary,
  summarize,
} from "@transport-lab/metrics";
import { channelPath, linkBaseUrl, ROUTES } from "@transport-lab/protocol";
import type { LoadTransport, Target } from "./targets.ts";
import type { ToWorker, WorkerProgress, WorkerSetup } from "./worker.ts";

/** One measured cell: a transport, a client count, a rate and a payload against one target. */
export interface RunSpec {
  transport: LoadTransport;
  clients: number;
  /** Messages per second from the target's generator; 0 measures idle connections only. */
  rate: number;
  payloadBytes: number;
  warmupMs: number;
  durationMs: number;
  workers: number;
  /** How many 127.0.0.x source addresses to spread clients over. */
  addresses: number;
  pollIntervalMs: number;
  /**
   * The server's emulated link the clients connect through (`/link/<name>/…`; see
   * docs/network-links.md). Generator control and server sampling never go through it.
   */
  link?: string;
}

/** Server-side figures sampled during a run. */
export interface ServerSample {
  rss: number;
  cpu: number;
  eventLoopDelayP99: number;
  /** Round trip of GET /healthz, ms: is the server still answering promptly? */
  healthzMs: number;
}

/** Everything one run measured. */
export interface RunResult {
  spec: RunSpec;
  target: Target["kind"];
  open: number;
  failed: number;
  firstError: string | undefined;
  /**
   * (RSS with all clients connected − RSS before) / open, bytes; null with nothing open, or when
   * the RSS fell meanwhile (a collection freed more than the connections took: no figure to give).
   */
  memoryPerConnection: number | null;
  rssBefore: number;
  rssConnected: number;
  /**
   * Idle cells of a target started with an inspector: memory per connection, bytes, each read
   * after a full GC, so that what the handshakes left for the collector is not counted. `rss`:
   * (RSS with every client connected − RSS before any) / open; `heap`: (V8 heap used with every
   * client connected − heap used once they have all closed) / open, what the connections
   * themselves hold on the JS heap, without code compiled or channels made on the way.
   */
  memoryAfterGc?: { rss: number; heap: number };
  received: number;
  expected: number;
  deliveriesPerSecond: number;
  /** Publish → receive, using the server's sequencing time (same machine, same clock). */
  latency: LatencySummary;
  /** Scheduled send time → receive: shows overload as latency, not only as a lower rate. */
  latencyScheduled: LatencySummary;
  requestsPerSecond: number;
  bytesPerMessage: number | null;
  gaps: number;
  duplicates: number;
  server: {
    cpuMax: number;
    cpuMean: number;
    /**
     * The target's CPU time (user + system, from /proc/<pid>/stat) over the measured window ÷
     * the deliveries in it, µs; null without deliveries or without a pid (`--url`).
     */
    cpuPerDeliveryUs: number | null;
    rssMax: number;
    eldP99Max: number;
    healthzMsMax: number;
    /** Samples of /healthz + /api/metrics that took over 10 s or failed. */
    missedSamples: number;
  };
  /**
   * The load generator's own CPU time (its process: coordinator and worker threads) over the
   * measured window: per delivery in µs, and in % of one core. Near 100 % per worker thread the
   * clients, not the target, set the pace. Absent from results written before it was measured.
   */
  loadClients?: { cpuPerDeliveryUs: number | null; cpuPercent: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) process `pid` has used, or undefined where /proc cannot say. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** The channel every benchmark publishes on (the baselines answer any path). */
const BENCH_CHANNEL = "bench";

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as T;
}

/** One sample of the target's /api/metrics and /healthz. */
export async function sampleServer(base: string): Promise<ServerSample> {
  const t0 = performance.now();
  await fetch(base + ROUTES.health, { signal: AbortSignal.timeout(10_000) });
  const healthzMs = performance.now() - t0;
  const m = await getJson<{ process: { rss: number; cpu: number; eventLoopDelayP99: number } }>(
    base + ROUTES.metrics,
  );
  return {
    rss: m.process.rss,
    cpu: m.process.cpu,
    eventLoopDelayP99: m.process.eventLoopDelayP99,
    healthzMs,
  };
}

async function setGenerator(base: string, rate: number, payloadBytes: number): Promise<number> {
  const t0 = performance.timeOrigin + performance.now();
  const res = await fetch(base + channelPath(BENCH_CHANNEL, "generator"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rate, payloadBytes }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`generator answered ${res.status}: ${await res.text()}`);
  const t1 = performance.timeOrigin + performance.now();
  return (t0 + t1) / 2;
}

/**
 * Memory after a full GC once the clients have gone: the target sees their sockets close a little
 * after the clients do, so it is read until the heap stops shrinking (at most 10 times, 200 ms apart).
 */
async function settledMemory(read: () => Promise<NodeJS.MemoryUsage>): Promise<NodeJS.MemoryUsage> {
  let last = await read();
  for (let i = 0; i < 10; i++) {
    await sleep(200);
    const next = await read();
    if (next.heapUsed >= last.heapUsed) return next;
    last = next;
  }
  return last;
}

/** Runs one cell; `onProgress` gets a one-line status about twice a second. */
export async function runOnce(
  spec: RunSpec,
  target: Target,
  onProgress: (line: string) => void,
): Promise<RunResult> {
  const gcFigures = spec.rate === 0 ? target.memoryAfterGc : undefined;
  const gcBefore = await gcFigures?.();
  const before = await sampleServer(target.base);
  const addresses = Array.from({ length: Math.max(1, spec.addresses) }, (_, i) => `127.0.0.${i + 1}`);
  const workers: Worker[] = [];
  let workerError: Error | undefined;
  const exited: Promise<unknown>[] = [];
  const latest = new Map<Worker, WorkerProgress>();
  const per = Math.ceil(spec.clients / spec.workers);
  for (let w = 0; w < spec.workers; w++) {
    const clients = Math.min(per, spec.clients - w * per);
    if (clients <= 0) break;
    const setup: WorkerSetup = {
      transport: spec.transport,
      base: spec.link === undefined ? target.base : `${target.base}${linkBaseUrl(spec.link)}`,
      channel: BENCH_CHANNEL,
      clients,
      addresses,
      pollIntervalMs: spec.pollIntervalMs,
      openPerTick: 20,
    };
    const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: setup });
    worker.on("message", (m: WorkerProgress) => latest.set(worker, m));
    // Listen for exit from the start: a worker may be gone before anyone awaits it.
    exited.push(new Promise((resolve) => worker.once("exit", resolve)));
    worker.on("error", (err) => {
      workerError ??= err;
    });
    workers.push(worker);
  }
  const tell = (msg: ToWorker) => {
    for (const w of workers) w.postMessage(msg);
  };
  const total = (key: "open" | "failed" | "received" | "requests" | "bytesIn" | "gaps" | "duplicates") =>
    [...latest.values()].reduce((sum, p) => sum + p[key], 0);

  // Connect, bounded in time: ~1 s per 500 clients plus slack.
  const connectDeadline = performance.now() + 20_000 + spec.clients * 2;
  while (performance.now() < connectDeadline) {
    tell({ type: "report" });
    await sleep(500);
    onProgress(
      `${spec.transport} → ${target.kind}: connecting ${total("open")}/${spec.clients} (failed ${total("failed")})`,
    );
    if (workerError) throw new Error(`load worker failed: ${workerError.message}`);
    if (total("open") + total("failed") >= spec.clients) break;
  }
  await sleep(1500); // let the server settle before reading its memory
  const connected = await sampleServer(target.base);
  const gcConnected = await gcFigures?.();
  const open = total("open");

  const samples: ServerSample[] = [];
  let missedSamples = 0;
  let genStart = 0;
  let cpuStart: number | undefined;
  let ownStart: NodeJS.CpuUsage | undefined;
  let ownStartAt = 0;
  if (spec.rate > 0) {
    genStart = await setGenerator(target.base, spec.rate, spec.payloadBytes);
    await sleep(spec.warmupMs);
    tell({ type: "measure", scheduleStart: genStart, rate: spec.rate });
    cpuStart = cpuSecondsOf(target.pid);
    ownStart = process.cpuUsage();
    ownStartAt = performance.now();
    const end = performance.now() + spec.durationMs;
    while (performance.now() < end) {
      await sleep(Math.min(1000, end - performance.now()));
      // A busy server may miss a sample: that is a finding (counted), not a reason to abort the run.
      const sample = await sampleServer(target.base).catch(() => undefined);
      if (sample) samples.push(sample);
      else missedSamples += 1;
      tell({ type: "report" });
      onProgress(
        `${spec.transport} → ${target.kind}: ${spec.rate} msg/s × ${open} clients, received ${total("received")}, cpu ${samples.at(-1)?.cpu}%`,
      );
    }
  }
  const cpuEnd = cpuSecondsOf(target.pid);
  const own = ownStart === undefined ? undefined : process.cpuUsage(ownStart);
  const ownMs = own === undefined ? 0 : (own.user + own.system) / 1000;
  const ownWindowMs = performance.now() - ownStartAt;
  // Stop measuring before the generator stops so the window is exact.
  type Final = WorkerProgress & { actual: HistogramJSON; scheduled: HistogramJSON };
  const finals = await Promise.all(
    workers.map(
      (w) =>
        new Promise<Final>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error("a load worker did not report within 15 s")),
            15_000,
          );
          w.on("message", (m: { type: string }) => {
            if (m.type !== "final") return;
            clearTimeout(timer);
            resolve(m as Final);
          });
          w.once("exit", () => {
            clearTimeout(timer);
            reject(new Error(`a load worker exited early${workerError ? `: ${workerError.message}` : ""}`));
          });
          if (w.threadId === -1) reject(new Error("a load worker had already exited"));
          w.postMessage({ type: "stop" } satisfies ToWorker);
        }),
    ),
  );
  // An overloaded target may not answer in time; it is stopped with its process anyway.
  if (spec.rate > 0) await setGenerator(target.base, 0, spec.payloadBytes).catch(() => undefined);
  tell({ type: "close" });
  await Promise.all(exited);
  const gcClosed = gcFigures === undefined ? undefined : await settledMemory(gcFigures);

  const actual = createHistogram();
  const scheduled = createHistogram();
  for (const f of finals) {
    actual.merge(histogramFromJSON(f.actual));
    scheduled.merge(histogramFromJSON(f.scheduled));
  }
  const sum = (key: "received" | "requests" | "bytesIn" | "gaps" | "duplicates" | "failed") =>
    finals.reduce((s, f) => s + f[key], 0);
  const received = sum("received");
  const seconds = spec.durationMs / 1000;
  const max = (f: (s: ServerSample) => number) => (samples.length ? Math.max(...samples.map(f)) : 0);
  return {
    spec,
    target: target.kind,
    open,
    failed: sum("failed"),
    firstError: finals.find((f) => f.firstError)?.firstError,
    memoryPerConnection: open > 0 && connected.rss >= before.rss ? (connected.rss - before.rss) / open : null,
    ...(gcBefore && gcConnected && gcClosed && open > 0
      ? {
          memoryAfterGc: {
            rss: (gcConnected.rss - gcBefore.rss) / open,
            heap: (gcConnected.heapUsed - gcClosed.heapUsed) / open,
          },
        }
      : {}),
    rssBefore: before.rss,
    rssConnected: connected.rss,
    received,
    expected: spec.rate * seconds * open,
    deliveriesPerSecond: spec.rate > 0 ? received / seconds : 0,
    latency: summarize(actual),
    latencyScheduled: summarize(scheduled),
    requestsPerSecond: spec.rate > 0 ? sum("requests") / seconds : 0,
    bytesPerMessage: received > 0 ? sum("bytesIn") / received : null,
    gaps: sum("gaps"),
    duplicates: sum("duplicates"),
    ...(own === undefined
      ? {}
      : {
          loadClients: {
            cpuPerDeliveryUs: received > 0 ? (ownMs * 1000) / received : null,
            cpuPercent: (ownMs / ownWindowMs) * 100,
          },
        }),
    server: {
      cpuMax: max((s) => s.cpu),
      cpuMean: samples.length ? samples.reduce((s, x) => s + x.cpu, 0) / samples.length : 0,
      cpuPerDeliveryUs:
        cpuStart !== undefined && cpuEnd !== undefined && received > 0
          ? ((cpuEnd - cpuStart) * 1e6) / received
          : null,
      rssMax: max((s) => s.rss),
      eldP99Max: max((s) => s.eventLoopDelayP99),
      healthzMsMax: Math.max(
        connected.healthzMs,
        max((s) => s.healthzMs),
      ),
      missedSamples,
    },
  };
}
