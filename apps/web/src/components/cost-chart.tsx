import { formatBytes, formatRatio, formatShare } from "../lib/format.ts";
import type { LaneView } from "../lib/lab-view.ts";
import type { LaneName } from "../lib/lane-names.ts";
import type { CostBars } from "../lib/lesson-plan.ts";
import { niceCeil } from "../lib/nice-scale.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

interface Row {
  readonly transport: LaneName;
  readonly value: number | null;
  /** Shown instead of the value (e.g. why there is none). */
  readonly text?: string;
}

function Bars({
  title,
  scale,
  scaleText,
  rows,
  format,
}: {
  readonly title: string;
  /** The value a full bar stands for; longer values are drawn full with an arrow. */
  readonly scale: number;
  /** The scale in words, shown under the title. */
  readonly scaleText: string;
  readonly rows: readonly Row[];
  readonly format: (v: number | null) => string;
}) {
  return (
    <div className="bars">
      <h3>{title}</h3>
      <p className="note bar-scale">{scaleText}</p>
      {rows.map(({ transport, value, text }) => {
        const over = value !== null && value > scale;
        const width = value === null || scale <= 0 ? 0 : Math.min(1, value / scale) * 100;
        return (
          <div className="bar-line" key={transport}>
            <span>{TRANSPORT_STYLE[transport].short}</span>
            <span className="bar-track" aria-hidden="true">
              <span
                className="bar-fill"
                style={{ display: "block", width: `${width}%`, background: TRANSPORT_STYLE[transport].color }}
              />
              {over && <span className="bar-over">▶</span>}
            </span>
            <span className="bar-value">{text ?? format(value)}</span>
          </div>
        );
      })}
    </div>
  );
}

/** What one delivered message cost each transport: HTTP requests and wire bytes, on scales that say what they are. */
export function CostChart({
  lanes,
  only,
  caption,
}: {
  readonly lanes: readonly LaneView[];
  /** The groups shown (lesson mode shows what its step is about); default all three. */
  readonly only?: readonly CostBars[];
  /** What to look at, under the bars (lesson mode), instead of the general note. */
  readonly caption?: string | undefined;
}) {
  const shows = (group: CostBars) => only === undefined || only.includes(group);
  const rows = (pick: (lane: LaneView) => number | null | undefined): Row[] =>
    lanes.map((lane) => ({ transport: lane.transport, value: pick(lane) ?? null }));
  const bytes = rows((l) => l.figures?.metrics.bytesPerMessage);
  const bytesScale = niceCeil(Math.max(0, ...bytes.map((r) => r.value ?? 0)));
  const empty: Row[] = lanes.map((lane) => {
    const m = lane.figures?.metrics;
    const answers = lane.figures?.metrics.responses ?? 0;
    if (TRANSPORT_STYLE[lane.transport].stream)
      return { transport: lane.transport, value: null, text: "a stream: no answers" };
    if (m === undefined || answers === 0) return { transport: lane.transport, value: null };
    return {
      transport: lane.transport,
      value: m.emptyResponses / answers,
      text: formatShare(m.emptyResponses, answers),
    };
  });
  return (
    <section className="card" aria-labelledby="cost-chart-title">
      <h2 id="cost-chart-title">Cost per message</h2>
      {shows("requests") && (
        <Bars
          title="HTTP requests per message"
          scale={1}
          scaleText="A full bar is 1 request per message (▶: more than 1)."
          rows={rows((l) => l.figures?.metrics.requestsPerMessage)}
          format={formatRatio}
        />
      )}
      {shows("bytes") && (
        <Bars
          title="Wire bytes per message (in + out)"
          scale={bytesScale}
          scaleText={`A full bar is ${formatBytes(bytesScale)} per message.`}
          rows={bytes}
          format={formatBytes}
        />
      )}
      {shows("empty") && (
        <Bars
          title="Empty answers, of all answers"
          scale={1}
          scaleText="A full bar is every answer empty (100%)."
          rows={empty}
          format={(v) => (v === null ? "–" : `${Math.round(v * 100)}%`)}
        />
      )}
      {caption === undefined ? (
        <p className="note">
          Since the page connected (or the last reset or record). Requests include the WebSocket handshake,
          reconnects and publishes; a dash means no message arrived yet.
        </p>
      ) : (
        <p className="chart-caption">{caption}</p>
      )}
    </section>
  );
}
