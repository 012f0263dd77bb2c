import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { TransportName } from "@transport-lab/protocol";
import WebSocket from "ws";
import { connectInspector, freePort } from "./inspector.ts";
import { sampleServer } from "./run.ts";
import { openSoakClient, type SoakClient, type SoakCounts } from "./soak-clients.ts";
import { startTarget } from "./targets.ts";

/**
 * The soak: many minutes of connection churn, publishing and slow readers on all four
 * transports against one server process, watching for what a short benchmark cannot see:
 * memory that creeps up, an event loop that slows, messages that go missing.
 */

const TRANSPORTS: TransportName[] = ["ws", "sse", "longPoll", "poll"];
const ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 1}`);

/** One sample: memory after a full GC (taken through the inspector), and the server's own figures. */
interface SoakSample {
  t: number;
  rss: number;
  heapAfterGc: number;
  external: number;
  eventLoopDelayP99: number;
  healthzMs: number;
  connections: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `pnpm loadgen soak [--minutes N] [--warmup-minutes N]`: runs, prints and writes the result. */
export async function runSoak(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { minutes: { type: "string" }, "warmup-minutes": { type: "string" }, out: { type: "string" } },
  });
  const minutes = Number(values.minutes ?? 10);
  const warmupMinutes = Number(values["warmup-minutes"] ?? Math.min(3, minutes / 3));
  if (!(minutes > 0 && minutes <= 120 && warmupMinutes >= 0 && warmupMinutes < minutes)) {
    throw new Error("--minutes must be 0–120 and --warmup-minutes below it");
  }
  const inspectPort = await freePort();
  // Small buffers, so that slow readers really are cut (and must resume without loss).
  const server = await startTarget("server", {
    execArgv: [`--inspect=127.0.0.1:${inspectPort}`],
    env: { MAX_BUFFERED_BYTES: String(256 * 1024), HISTORY: "5000" },
  });
  const inspector = await connectInspector(inspectPort);
  const base = server.base;
  const channel = "soak";
  const clients: { transport: TransportName; role: string; client: SoakClient }[] = [];
  // Slow readers have a busier channel of their own, so that their pauses overflow the kernel's
  // socket buffers and the server's limit: they are cut, and must resume without loss.
  const slowChannel = "soak-slow";
  const open = (
    transport: TransportName,
    role: string,
    i: number,
    slow?: { pauseMs: number; readMs: number },
  ) => {
    const o = {
      base,
      channel: slow ? slowChannel : channel,
      localAddress: ADDRESSES[i % ADDRESSES.length] ?? "127.0.0.1",
      pollIntervalMs: 1000,
    };
    const client = openSoakClient(transport, slow ? { ...o, slow } : o);
    const entry = { transport, role, client };
    clients.push(entry);
    return entry;
  };
  // Steady clients stay for the whole run; slow ones stop reading for seconds at a time.
  for (const t of TRANSPORTS) for (let i = 0; i < 40; i++) open(t, "steady", i);
  for (const t of ["ws", "sse"] as const) {
    for (let i = 0; i < 5; i++) open(t, "slow", i, { pauseMs: 8000 + i * 1000, readMs: 3000 });
  }
  let churn: typeof clients = [];
  for (const t of TRANSPORTS) for (let i = 0; i < 20; i++) churn.push(open(t, "churn", i));

  const post = (path: string, body: object) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.status);
  await sleep(2000);
  await post(`/api/channels/${channel}/generator`, { rate: 50, payloadBytes: 512 });
  await post(`/api/channels/${slowChannel}/generator`, { rate: 200, payloadBytes: 2048 });
  const publisher = new WebSocket(`${base.replace(/^http/, "ws")}/api/channels/${channel}/ws`);
  publisher.on("error", () => {});
  let httpPublishes = 0;
  let refused = 0;
  const start = performance.now();
  const samples: SoakSample[] = [];
  const endAt = start + minutes * 60_000;
  let tick = 0;
  let closedChurn = 0;
  while (performance.now() < endAt) {
    await sleep(1000);
    tick += 1;
    // Publishing besides the generator: HTTP and WebSocket.
    for (let i = 0; i < 5; i++) {
      const status = await post(`/api/channels/${channel}/messages`, { data: { soak: tick, i } });
      if (status === 201) httpPublishes += 1;
      else refused += 1;
    }
    if (publisher.readyState === 1) publisher.send(JSON.stringify({ type: "publish", data: { ws: tick } }));
    // Churn: a fifth of the churn clients leave abruptly and are replaced; a throwaway channel
    // is subscribed and left, so channels come and go too.
    const leaving = churn.filter(() => Math.random() < 0.2);
    for (const c of leaving) {
      c.client.close();
      closedChurn += 1;
    }
    churn = churn.filter((c) => !leaving.includes(c));
    for (const c of leaving) churn.push(open(c.transport, "churn", tick));
    const temp = http.get(`${base}/api/channels/tmp-${tick % 50}/sse`, (res) => res.resume());
    temp.on("error", () => {});
    setTimeout(() => temp.destroy(), 500);
    if (tick % 10 === 0) {
      // The server's figures first: the forced GC would otherwise land in their one-second window.
      const s = await sampleServer(base);
      const mem = await inspector.memoryAfterGc();
      const m = (await (await fetch(`${base}/api/metrics`)).json()) as {
        transports: Record<string, { connections: number }>;
      };
      const connections = Object.values(m.transports).reduce((n, x) => n + x.connections, 0);
      const sample = {
        t: Math.round((performance.now() - start) / 1000),
        rss: mem.rss,
        heapAfterGc: mem.heapUsed,
        external: mem.external,
        eventLoopDelayP99: s.eventLoopDelayP99,
        healthzMs: s.healthzMs,
        connections,
      };
      samples.push(sample);
      console.log(
        `soak t=${sample.t}s rss ${(sample.rss / 2 ** 20).toFixed(1)} MiB, heap after GC ${(sample.heapAfterGc / 2 ** 20).toFixed(1)} MiB, ` +
          `eld p99 ${sample.eventLoopDelayP99} ms, healthz ${sample.healthzMs.toFixed(1)} ms, ${connections} held`,
      );
    }
  }
  await post(`/api/channels/${channel}/generator`, { rate: 0 });
  await post(`/api/channels/${slowChannel}/generator`, { rate: 0 });
  await sleep(3000); // the last messages reach everyone still connected
  const totals = (role: string) =>
    clients
      .filter((c) => c.role === role)
      .reduce(
        (sum, { client }) => {
          for (const k of Object.keys(sum) as (keyof SoakCounts)[]) sum[k] += client.counts[k];
          return sum;
        },
        { delivered: 0, lost: 0, duplicates: 0, resets: 0, skippedByResets: 0, drops: 0 },
      );
  const perTransport = Object.fromEntries(
    TRANSPORTS.map((t) => {
      const steady = clients.filter((c) => c.role === "steady" && c.transport === t);
      return [t, steady.reduce((n, c) => n + c.client.counts.delivered, 0)];
    }),
  );
  for (const c of clients) c.client.close();
  publisher.terminate();
  const info = (await (await fetch(`${base}/api/channels/${channel}`)).json()) as { seq: number };
  inspector.close();
  await server.stop();

  const warm = samples.filter((s) => s.t >= warmupMinutes * 60);
  const first = warm[0];
  const last = warm[warm.length - 1];
  const result = {
    minutes,
    warmupMinutes,
    seq: info.seq,
    httpPublishes,
    refused,
    closedChurn,
    steady: totals("steady"),
    slow: totals("slow"),
    churn: totals("churn"),
    steadyDeliveredPerTransport: perTransport,
    rssDrift: first && last ? (last.rss - first.rss) / first.rss : null,
    heapAfterGcDrift: first && last ? (last.heapAfterGc - first.heapAfterGc) / first.heapAfterGc : null,
    eventLoopDelayP99Max: Math.max(...samples.map((s) => s.eventLoopDelayP99)),
    healthzMsMax: Math.max(...samples.map((s) => s.healthzMs)),
    samples,
  };
  const dir = resolve(
    process.env.INIT_CWD ?? process.cwd(),
    values.out ?? join("bench-results", `soak-${new Date().toISOString().replace(/[:.]/g, "-")}`),
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)} %`);
  console.log(
    [
      `soak: ${minutes} min (${warmupMinutes} min warm-up), ${info.seq} messages, ${closedChurn} churned connections`,
      `  RSS after warm-up ${((first?.rss ?? 0) / 2 ** 20).toFixed(1)} → ${((last?.rss ?? 0) / 2 ** 20).toFixed(1)} MiB (drift ${pct(result.rssDrift)})`,
      `  heap after GC ${((first?.heapAfterGc ?? 0) / 2 ** 20).toFixed(1)} → ${((last?.heapAfterGc ?? 0) / 2 ** 20).toFixed(1)} MiB (drift ${pct(result.heapAfterGcDrift)})`,
      `  event-loop delay p99 max ${result.eventLoopDelayP99Max} ms, /healthz max ${result.healthzMsMax.toFixed(1)} ms`,
      `  steady clients: ${JSON.stringify(result.steady)}`,
      `  slow readers: ${JSON.stringify(result.slow)}`,
      `  churned clients: ${JSON.stringify(result.churn)}`,
      `  written to ${join(dir, "results.json")}`,
    ].join("\n"),
  );
  return result;
}
