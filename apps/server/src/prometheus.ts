import type { ServerMetrics } from "@transport-lab/protocol";
import { Counter, Gauge, Registry } from "prom-client";

/**
 * A prom-client registry whose metrics are read from a {@link ServerMetrics}
 * snapshot at scrape time, so the hot path only bumps plain numbers.
 */
export function createPrometheusRegistry(read: () => ServerMetrics): Registry {
  const registry = new Registry();
  let current: ServerMetrics | undefined;
  // prom-client calls collect() on each metric in turn; one snapshot per scrape.
  const snap = () => {
    current ??= read();
    queueMicrotask(() => {
      current = undefined;
    });
    return current;
  };
  const perTransport = (name: string, help: string, field: keyof ServerMetrics["transports"]["ws"]) =>
    new Counter({
      name,
      help,
      labelNames: ["transport"],
      registers: [registry],
      collect() {
        this.reset();
        for (const [transport, c] of Object.entries(snap().transports)) this.inc({ transport }, c[field]);
      },
    });
  perTransport("transport_lab_requests_total", "HTTP requests (WebSocket handshakes included)", "requests");
  perTransport("transport_lab_messages_out_total", "Messages delivered to clients", "messagesOut");
  perTransport("transport_lab_bytes_out_total", "Payload bytes written to clients", "bytesOut");
  perTransport("transport_lab_errors_total", "Error answers, error frames and failed writes", "errors");
  new Gauge({
    name: "transport_lab_connections",
    help: "Open WebSockets, SSE streams and held long-polls",
    labelNames: ["transport"],
    registers: [registry],
    collect() {
      for (const [transport, c] of Object.entries(snap().transports)) this.set({ transport }, c.connections);
    },
  });
  new Counter({
    name: "transport_lab_publishes_total",
    help: "Messages published, by source; rate_limited counts refused publishes",
    labelNames: ["source"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [source, n] of Object.entries(snap().publishes)) this.inc({ source }, n);
    },
  });
  const gauge = (name: string, help: string, get: (m: ServerMetrics) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(get(snap()));
      },
    });
  gauge("transport_lab_channels", "Channels in memory", (m) => m.channels);
  gauge("transport_lab_retained_bytes", "Bytes of messages kept for resume", (m) => m.retained?.bytes ?? 0);
  gauge("process_resident_memory_bytes", "Resident set size in bytes", (m) => m.process.rss);
  gauge("nodejs_heap_used_bytes", "V8 heap used in bytes", (m) => m.process.heapUsed);
  gauge("transport_lab_cpu_percent", "Process CPU over the last second, % of one core", (m) => m.process.cpu);
  gauge(
    "transport_lab_event_loop_delay_p99_seconds",
    "Event-loop delay p99 over the last second",
    (m) => m.process.eventLoopDelayP99 / 1000,
  );
  gauge("process_uptime_seconds", "Seconds since the server started", (m) => m.uptime);
  return registry;
}
