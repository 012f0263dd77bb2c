import { monitorEventLoopDelay } from "node:perf_hooks";
import {
  ENDPOINT_NAMES,
  type EndpointName,
  type ServerMetrics,
  type ServerTransportCounters,
} from "@transport-lab/protocol";

/** The server's own counters: plain numbers on the hot path, read by `/api/metrics` and `/metrics`. */
export interface ServerCounters {
  /** The four transports and the two guest endpoints (plain WebSocket, Socket.IO). */
  readonly transports: Record<EndpointName, ServerTransportCounters>;
  readonly publishes: {
    http: number;
    ws: number;
    generator: number;
    rateLimited: number;
    plainWs: number;
    socketio: number;
  };
  /** Starts the 1 s process sampler (CPU %, event-loop delay). */
  start(): void;
  stop(): void;
  /** Everything in the `GET /api/metrics` shape. */
  snapshot(channels: number, retained: NonNullable<ServerMetrics["retained"]>): ServerMetrics;
}

const SAMPLE_MS = 1000;
/** monitorEventLoopDelay records whole timer intervals, so its resolution is subtracted to get the delay. */
const ELD_RESOLUTION_MS = 10;

/** Creates zeroed counters; `start()` begins process sampling. */
export function createServerCounters(): ServerCounters {
  const transports = Object.fromEntries(
    ENDPOINT_NAMES.map((t) => [t, { connections: 0, requests: 0, messagesOut: 0, bytesOut: 0, errors: 0 }]),
  ) as Record<EndpointName, ServerTransportCounters>;
  const publishes = { http: 0, ws: 0, generator: 0, rateLimited: 0, plainWs: 0, socketio: 0 };
  const startedAt = performance.now();
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  let timer: NodeJS.Timeout | undefined;
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  let cpuPercent = 0;
  let eldP99 = 0;

  const sample = () => {
    const cpu = process.cpuUsage(lastCpu);
    const at = performance.now();
    cpuPercent = ((cpu.user + cpu.system) / 1000 / (at - lastAt)) * 100;
    lastCpu = process.cpuUsage();
    lastAt = at;
    eldP99 = eld.count > 0 ? Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS) : 0;
    eld.reset();
  };

  return {
    transports,
    publishes,
    start() {
      if (timer) return;
      eld.enable();
      timer = setInterval(sample, SAMPLE_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      eld.disable();
    },
    snapshot(channels, retained) {
      const mem = process.memoryUsage();
      return {
        transports: structuredClone(transports),
        publishes: { ...publishes },
        channels,
        retained,
        process: {
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          cpu: Math.round(cpuPercent * 10) / 10,
          eventLoopDelayP99: Math.round(eldP99 * 100) / 100,
        },
        uptime: Math.round((performance.now() - startedAt) / 10) / 100,
      };
    },
  };
}
