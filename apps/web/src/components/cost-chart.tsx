import { perMessage } from "@transport-lab/metrics";
import type { TransportName } from "@transport-lab/protocol";
import { formatBytes, formatRatio } from "../lib/format.ts";
import type { LaneView } from "../lib/lab-view.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

interface Row {
  readonly transport: TransportName;
  readonly value: number | null;
}

function Bars({
  title,
  rows,
  format,
}: {
  readonly title: string;
  readonly rows: readonly Row[];
  readonly format: (v: number | null) => string;
}) {
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  return (
    <div className="bars">
      <h3>{title}</h3>
      {rows.map(({ transport, value }) => (
        <div className="bar-line" key={transport}>
          <span>{TRANSPORT_STYLE[transport].short}</span>
          <span className="bar-track" aria-hidden="true">
            <span
              className="bar-fill"
              style={{
                display: "block",
                width: value === null || max === 0 ? "0" : `${(value / max) * 100}%`,
                background: TRANSPORT_STYLE[transport].color,
              }}
            />
          </span>
          <span className="bar-value">{format(value)}</span>
        </div>
      ))}
    </div>
  );
}

/** What one delivered message cost each transport: HTTP requests and wire bytes (both directions). */
export function CostChart({ lanes }: { readonly lanes: readonly LaneView[] }) {
  const rows = (pick: (lane: LaneView) => number | null | undefined): Row[] =>
    lanes.map((lane) => ({ transport: lane.transport, value: pick(lane) ?? null }));
  return (
    <section className="card" aria-labelledby="cost-chart-title">
      <h2 id="cost-chart-title">Cost per message</h2>
      <Bars
        title="HTTP requests per message"
        rows={rows((l) => l.figures?.metrics.requestsPerMessage)}
        format={formatRatio}
      />
      <Bars
        title="Wire bytes per message (in + out)"
        rows={rows((l) => l.figures?.metrics.bytesPerMessage)}
        format={formatBytes}
      />
      <Bars
        title="Empty answers per message"
        rows={rows((l) => {
          const m = l.figures?.metrics;
          return m === undefined ? null : perMessage(m.emptyResponses, m.messages);
        })}
        format={formatRatio}
      />
      <p className="note">
        Since the page connected (or the last reset). Requests include the WebSocket handshake, reconnects and
        publishes; a dash means no message arrived yet.
      </p>
    </section>
  );
}
