// One worker thread of the load generator: opens its share of lean clients,
// spread over loopback source addresses, and records fan-out latency.
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { createHistogram } from "@transport-lab/metrics";
import { type LeanClient, openLeanClient } from "./lean-clients.ts";
import type { LoadTransport } from "./targets.ts";

/** What the coordinator gives each worker. */
export interface WorkerSetup {
  transport: LoadTransport;
  base: string;
  channel: string;
  clients: number;
  /** 127.0.0.x source addresses to spread connections over. */
  addresses: string[];
  pollIntervalMs: number;
  /** Connections opened per 10 ms, so a ramp does not overflow the server's accept backlog. */
  openPerTick: number;
}

/** Messages from the coordinator. */
export type ToWorker =
  | { type: "measure"; scheduleStart: number; rate: number }
  | { type: "report" }
  | { type: "stop" }
  | { type: "close" };

/** Counters a worker reports. */
export interface WorkerProgress {
  type: "progress";
  open: number;
  failed: number;
  received: number;
  requests: number;
  bytesIn: number;
  gaps: number;
  duplicates: number;
  firstError?: string;
}

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error("worker.ts runs as a worker thread");

const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
const wall = () => performance.timeOrigin + performance.now();
const actual = createHistogram();
const scheduled = createHistogram();
const counts = { open: 0, failed: 0, received: 0, requests: 0, bytesIn: 0, gaps: 0, duplicates: 0 };
let firstError: string | undefined;
let measuring = false;
let scheduleStart = 0;
let msPerTick = 0;
const clients: LeanClient[] = [];

const openOne = (i: number) => {
  let lastSeq = -1;
  const client = openLeanClient(
    setup.transport,
    {
      base: setup.base,
      channel: setup.channel,
      localAddress: setup.addresses[i % setup.addresses.length] ?? "127.0.0.1",
      agent,
      pollIntervalMs: setup.pollIntervalMs,
    },
    {
      onOpen: () => {
        counts.open += 1;
      },
      onFail: (err) => {
        counts.failed += 1;
        firstError ??= err.message;
      },
      onRequest: () => {
        counts.requests += 1;
      },
      onBytes: (n) => {
        counts.bytesIn += n;
      },
      onMessage: (seq, time, tick) => {
        if (lastSeq >= 0 && seq > lastSeq + 1) counts.gaps += seq - lastSeq - 1;
        if (seq <= lastSeq) counts.duplicates += 1;
        lastSeq = Math.max(lastSeq, seq);
        if (!measuring) return;
        const now = wall();
        counts.received += 1;
        actual.record(now - time);
        // Latency against the time the message was due, so an overloaded generator cannot hide.
        scheduled.record(now - (scheduleStart + tick * msPerTick));
      },
    },
  );
  clients.push(client);
};

let next = 0;
const ramp = setInterval(() => {
  for (let k = 0; k < setup.openPerTick && next < setup.clients; k++) openOne(next++);
  if (next >= setup.clients) clearInterval(ramp);
}, 10);

const progress = (): WorkerProgress =>
  firstError === undefined ? { type: "progress", ...counts } : { type: "progress", ...counts, firstError };

port.on("message", (msg: ToWorker) => {
  switch (msg.type) {
    case "measure":
      actual.reset();
      scheduled.reset();
      counts.received = 0;
      counts.requests = 0;
      counts.bytesIn = 0;
      counts.gaps = 0;
      counts.duplicates = 0;
      scheduleStart = msg.scheduleStart;
      msPerTick = msg.rate > 0 ? 1000 / msg.rate : 0;
      measuring = true;
      return;
    case "report":
      port.postMessage(progress());
      return;
    case "stop":
      measuring = false;
      clearInterval(ramp);
      port.postMessage({
        ...progress(),
        type: "final",
        actual: actual.toJSON(),
        scheduled: scheduled.toJSON(),
      });
      return;
    // Apart from `stop`: the coordinator stops the target's generator in between, so the target
    // does not spend its last seconds writing to a thousand sockets that are going away (each a
    // failed write with its error object, which showed as 10–20 % of a CPU profile).
    case "close":
      for (const c of clients) c.close();
      agent.destroy();
      setTimeout(() => process.exit(0), 50);
      return;
  }
});
