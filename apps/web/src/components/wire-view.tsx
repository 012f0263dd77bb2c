import { type CSSProperties, memo, useEffect, useRef, useState } from "react";
import { useThrottled } from "../hooks/use-throttled.ts";
import { formatBytes, formatClock, formatCount, formatMs } from "../lib/format.ts";
import { type LabView, LIMITS } from "../lib/lab-view.ts";
import { LANE_NAMES, type LaneName, SOCKET_IO_LANE } from "../lib/lane-names.ts";
import type { Settings } from "../lib/settings.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";
import { toWireRows } from "../lib/wire-rows.ts";
import { FallbackTimeline } from "./fallback-timeline.tsx";

/** Rows drawn per transport: enough to read the pattern, few enough to redraw ten times a second. */
const ROWS_SHOWN = 80;

const ARROW = { in: "←", out: "→", exchange: "⇄" } as const;
const ARROW_WORDS = { in: "received", out: "sent", exchange: "request and answer" } as const;

// Memoized: its props change only when the throttled (or frozen) view does, not on every view the page gets.
const WireColumn = memo(function WireColumn({
  view,
  transport,
}: {
  readonly view: LabView;
  readonly transport: LaneName;
}) {
  const style = TRANSPORT_STYLE[transport];
  const rows = toWireRows(view.wire[transport], ROWS_SHOWN);
  const id = `wire-${transport}`;
  return (
    <section
      className="card"
      style={{ "--transport-color": style.color, borderTop: `0.3rem solid ${style.color}` } as CSSProperties}
      aria-labelledby={id}
    >
      <div className="card-head">
        <h2 id={id}>{style.label}</h2>
        <span className="spacer" />
        <span className="note">
          {formatCount(view.wireTotals[transport])} seen here · {rows.length} shown
        </span>
      </div>
      <ol className="wire-list" aria-label={`Wire events of ${style.label}, newest first`}>
        {rows.map((row) => (
          <li
            key={row.key}
            className={
              row.direction === "exchange"
                ? row.empty
                  ? "empty-answer"
                  : "data-answer"
                : row.closed
                  ? "closed-row"
                  : undefined
            }
          >
            <span>{formatClock(row.time)}</span>
            <span
              className={row.direction === "in" ? "dir-in" : "dir-out"}
              title={ARROW_WORDS[row.direction]}
            >
              <span aria-hidden="true">{ARROW[row.direction]}</span>
              <span className="visually-hidden">{ARROW_WORDS[row.direction]}</span>
            </span>
            <span
              className="size"
              title={row.sizeSource === "measured" ? "measured" : "computed from the protocol"}
            >
              {formatBytes(row.size)}
            </span>
            <span className="what" title={row.full}>
              {row.label}
              {row.answer !== null && (
                <>
                  {" "}
                  <span className="held">
                    {transport === "longPoll" ? "held" : "took"} {formatMs(row.heldMs)}
                  </span>{" "}
                  → <strong>{row.empty ? "nothing new" : row.answer}</strong>
                </>
              )}
            </span>
          </li>
        ))}
        {rows.length === 0 && <li>Nothing on the wire yet.</li>}
      </ol>
    </section>
  );
});

/**
 * What each transport puts on the wire, as it happens: WebSocket frames, SSE
 * events, HTTP requests paired with their answers. Freeze to read it.
 */
export function WireView({
  view,
  clients,
  onClients,
}: {
  readonly view: LabView;
  /** The compare lanes' clients, or the single view's one. */
  readonly clients: Settings["wire"];
  readonly onClients: (clients: Settings["wire"]) => void;
}) {
  const [shown, setShown] = useState<LaneName | "all">("all");
  const [frozen, setFrozen] = useState<LabView | null>(null);
  const latest = useRef(view);
  latest.current = view;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === " " && e.target === document.body) {
        e.preventDefault();
        setFrozen((f) => (f === null ? latest.current : null));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  // Columns of rows redrawn ten times a second cost more than anyone can read: four a second is enough.
  const throttled = useThrottled(view, 250);
  const data = frozen ?? throttled;
  const single = view.mode === "single" ? data.lanes[0] : undefined;
  // The single view's client may use any of the four transports; the compare view shows its lanes.
  const lanes = LANE_NAMES.filter((t) =>
    view.mode === "single" ? t !== SOCKET_IO_LANE : view.lanes.some((l) => l.transport === t),
  );
  const transports = shown === "all" ? lanes : [shown];
  return (
    <>
      <fieldset className="controls">
        <legend className="visually-hidden">Wire view options</legend>
        <span className="field">
          <label htmlFor="wire-clients">Clients</label>
          <select
            id="wire-clients"
            value={clients}
            onChange={(e) => onClients(e.target.value as Settings["wire"])}
          >
            <option value="compare">The compare panels</option>
            <option value="single">The single view's client</option>
          </select>
        </span>
        <span className="field">
          <label htmlFor="wire-filter">Transport</label>
          <select
            id="wire-filter"
            value={shown}
            onChange={(e) => setShown(e.target.value as LaneName | "all")}
          >
            <option value="all">All {lanes.length}</option>
            {lanes.map((t) => (
              <option key={t} value={t}>
                {TRANSPORT_STYLE[t].label}
              </option>
            ))}
          </select>
        </span>
        <button
          type="button"
          aria-pressed={frozen !== null}
          onClick={() => setFrozen(frozen === null ? view : null)}
        >
          {frozen === null ? "Freeze (space)" : "Unfreeze (space)"}
        </button>
        <p className="note" style={{ margin: 0, maxWidth: "48rem" }}>
          → sent, ← received, ⇄ an HTTP request and its answer (shown when the answer arrives; the time is
          when it was sent). <span style={{ background: "#fff4e5" }}>Orange</span>: “anything new?” “no.”{" "}
          <span style={{ background: "#eaf7ee" }}>Green</span>: an answer with messages.{" "}
          <span className="closed-row">Red</span>: a connection ended, or never opened. Sizes include headers
          and framing. Each transport keeps its last {LIMITS.wire} events.
        </p>
      </fieldset>
      {single !== undefined && (single.auto || single.decisions.length > 0) && (
        <FallbackTimeline lane={single} rows={6} />
      )}
      <div className="wire-grid">
        {transports.map((t) => (
          <WireColumn key={t} view={data} transport={t} />
        ))}
      </div>
    </>
  );
}
