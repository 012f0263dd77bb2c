import type { ClassRoster, ServerMetrics } from "@transport-lab/protocol";
import type { CSSProperties } from "react";
import type { Polled } from "../hooks/use-polled.ts";
import { CLASS_REFRESH_MS, transportLoads } from "../lib/class-rates.ts";
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  formatRate,
  formatRatio,
} from "../lib/format.ts";
import { describeApiError } from "../lib/server-api.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";
import { ClassRosterCard } from "./class-roster.tsx";

function Stat({ label, value }: { readonly label: string; readonly value: string }) {
  return (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}

/** The whole class as the server sees it: clients per transport and what they cost it (`/api/metrics`). */
export function ClassView({
  metrics,
  roster,
  ownId,
}: {
  readonly metrics: Polled<ServerMetrics>;
  readonly roster: Polled<ClassRoster>;
  readonly ownId: string;
}) {
  const current = metrics.current;
  if (current === null) {
    return (
      <>
        <ClassRosterCard roster={roster} ownId={ownId} />
        <p role="status">
          {metrics.error === null ? "Asking the server for its figures…" : describeApiError(metrics.error)}
        </p>
      </>
    );
  }
  const loads = transportLoads(metrics.previous, current, metrics.seconds);
  const maxConnections = Math.max(1, ...loads.map((l) => l.connections));
  const maxRequests = Math.max(1, ...loads.map((l) => l.requestsPerSecond ?? 0));
  const p = current.process;
  return (
    <>
      <ClassRosterCard roster={roster} ownId={ownId} />
      {metrics.error !== null && (
        <div className="banner warn" role="status">
          The last refresh failed ({describeApiError(metrics.error)}); showing the figures from before.
        </div>
      )}
      <div className="stat-grid">
        <Stat label="Server memory (RSS)" value={formatBytes(p.rss)} />
        <Stat label="JS heap" value={formatBytes(p.heapUsed)} />
        <Stat label="CPU (of one core)" value={`${p.cpu.toFixed(0)}%`} />
        <Stat label="Event-loop delay p99" value={formatMs(p.eventLoopDelayP99)} />
        <Stat label="Channels" value={formatCount(current.channels)} />
        <Stat label="Uptime" value={formatDuration(current.uptime)} />
      </div>
      {current.instances && (
        <p className="note" data-testid="instances">
          {current.instances.length} instances share the channels through Redis (this answer came from{" "}
          {current.instance?.id}):{" "}
          {current.instances
            .map(
              (i) =>
                `${i.id} holds ${formatCount(i.transports.ws.connections + i.transports.sse.connections + i.transports.longPoll.connections)}`,
            )
            .join(" · ")}
          . The figures below are of the instance that answered.
        </p>
      )}
      <section className="card" aria-labelledby="class-title" style={{ marginBottom: "0.8rem" }}>
        <h2 id="class-title">Every client of this server, per transport</h2>
        <div className="table-scroll">
          <table className="figures-table">
            <caption className="visually-hidden">Server-side figures per transport</caption>
            <thead>
              <tr>
                <th scope="col">Transport</th>
                <th scope="col">Held now</th>
                <th scope="col" style={{ width: "22%" }}>
                  <span className="visually-hidden">Held connections as bars</span>
                </th>
                <th scope="col">Requests/s</th>
                <th scope="col" style={{ width: "18%" }}>
                  <span className="visually-hidden">Requests per second as bars</span>
                </th>
                <th scope="col">Messages out/s</th>
                <th scope="col">Bytes out/s</th>
                <th scope="col">Req/msg</th>
                <th scope="col">Bytes/msg</th>
                <th scope="col">Errors</th>
              </tr>
            </thead>
            <tbody>
              {loads.map((l) => {
                const color = TRANSPORT_STYLE[l.transport].color;
                const bar = (value: number, max: number) => (
                  <span className="bar-track" style={{ display: "block" }} aria-hidden="true">
                    <span
                      className="bar-fill"
                      style={
                        {
                          display: "block",
                          width: `${(value / max) * 100}%`,
                          background: color,
                        } as CSSProperties
                      }
                    />
                  </span>
                );
                return (
                  <tr key={l.transport}>
                    <th scope="row" style={{ color }}>
                      {TRANSPORT_STYLE[l.transport].label}
                    </th>
                    <td>{l.transport === "poll" ? "–" : formatCount(l.connections)}</td>
                    <td>{bar(l.connections, maxConnections)}</td>
                    <td>{formatRate(l.requestsPerSecond)}</td>
                    <td>{bar(l.requestsPerSecond ?? 0, maxRequests)}</td>
                    <td>{formatRate(l.messagesPerSecond)}</td>
                    <td>{l.bytesPerSecond === null ? "–" : `${formatBytes(l.bytesPerSecond)}/s`}</td>
                    <td>{formatRatio(l.requestsPerMessage)}</td>
                    <td>{formatBytes(l.bytesPerMessage)}</td>
                    <td>{formatCount(l.errors)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="note">
          Server counters from <code>/api/metrics</code>, refreshed every {CLASS_REFRESH_MS / 1000} s; rates
          are over the last interval. “Held now” counts open WebSockets, SSE streams and long polls waiting
          for news (an interval poll holds nothing between requests). Every page counts, this one included.
        </p>
      </section>
      <section className="card" aria-labelledby="publish-title">
        <h2 id="publish-title">Messages published since the server started</h2>
        <div className="stat-grid" style={{ marginBottom: 0 }}>
          <Stat label="By HTTP POST" value={formatCount(current.publishes.http)} />
          <Stat label="By WebSocket frame" value={formatCount(current.publishes.ws)} />
          <Stat label="By the generator" value={formatCount(current.publishes.generator)} />
          <Stat label="Refused (rate limit)" value={formatCount(current.publishes.rateLimited)} />
        </div>
      </section>
    </>
  );
}
