import { formatBytes, formatCount, formatLatency, formatRatio } from "../lib/format.ts";
import type { TransportFigures } from "../lib/lab-view.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

/** The main figures of several transports as one table (single mode, learn view). */
export function FiguresTable({
  rows,
  caption,
}: {
  readonly rows: readonly TransportFigures[];
  readonly caption: string;
}) {
  return (
    <div className="table-scroll">
      <table className="figures-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Transport</th>
            <th scope="col">Messages</th>
            <th scope="col">p50</th>
            <th scope="col">p99</th>
            <th scope="col">Requests</th>
            <th scope="col">Req/msg</th>
            <th scope="col">Bytes/msg</th>
            <th scope="col">Empty</th>
            <th scope="col">Gaps/dup</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ transport, metrics: m }) => (
            <tr key={transport}>
              <th scope="row" style={{ color: TRANSPORT_STYLE[transport].color }}>
                {TRANSPORT_STYLE[transport].label}
              </th>
              <td>{formatCount(m.messages)}</td>
              <td>{formatLatency(m.latency.p50, m.clock?.uncertainty)}</td>
              <td>{formatLatency(m.latency.p99, m.clock?.uncertainty)}</td>
              <td>{formatCount(m.httpRequests)}</td>
              <td>{formatRatio(m.requestsPerMessage)}</td>
              <td>{formatBytes(m.bytesPerMessage)}</td>
              <td>{formatCount(m.emptyResponses)}</td>
              <td>
                {m.gaps} / {m.duplicates}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
