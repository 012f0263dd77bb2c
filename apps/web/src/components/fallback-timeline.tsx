import type { CSSProperties } from "react";
import { decisionWords } from "../lib/decision-words.ts";
import { formatClock, formatMs } from "../lib/format.ts";
import type { LaneView } from "../lib/lab-view.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

interface FallbackTimelineProps {
  readonly lane: LaneView;
  /** Rows shown, newest last (the wire view shows fewer). */
  readonly rows?: number;
  readonly onRestart?: (() => void) | undefined;
  readonly onWire?: (() => void) | undefined;
}

/** What the lane's client tries now, while no decision has come yet for it. */
function trying(lane: LaneView): string | null {
  const state = lane.state;
  if (state?.kind === "connecting" || state?.kind === "reconnecting") {
    return `Now: trying ${TRANSPORT_STYLE[state.transport].label}, waiting for its first hello…`;
  }
  return null;
}

/**
 * Auto's decisions as a timeline: each attempt with why it was made, how it went and how long
 * it took, the reachability check that told a blocked transport from a server that is away,
 * and what the client did next.
 */
export function FallbackTimeline({ lane, rows = 12, onRestart, onWire }: FallbackTimelineProps) {
  const shown = lane.decisions.slice(-rows);
  const first = lane.decisions[0];
  const now = trying(lane);
  return (
    <section className="card fallback-timeline" aria-labelledby="fallback-title">
      <div className="card-head">
        <h2 id="fallback-title">How Auto chose</h2>
        <span className="spacer" />
        {onWire !== undefined && (
          <button type="button" onClick={onWire}>
            See it on the wire
          </button>
        )}
        {onRestart !== undefined && (
          <button type="button" onClick={onRestart}>
            Start again from the top
          </button>
        )}
      </div>
      <p className="note">
        Auto tries WebSocket, then Server-Sent Events, then long polling. A transport counts as working only
        when its first hello arrives in time; a failure is checked with a plain HTTP request, so that a server
        that is away is retried and a blocked transport is left. What worked is remembered in this tab, and a
        better transport is checked again every minute.
      </p>
      <ol className="timeline" aria-label="Auto's decisions, oldest first">
        {shown.map((d) => {
          const words = decisionWords(d);
          const style = TRANSPORT_STYLE[d.tried];
          const since = first === undefined ? 0 : d.at - d.tookMs - (first.at - first.tookMs);
          return (
            <li
              key={`${d.at}-${d.tried}-${d.action}`}
              className={`decision decision-${d.outcome}`}
              style={{ "--transport-color": style.color } as CSSProperties}
              // For tests and scripts: the decision as data, its start since Auto began.
              data-step={`${d.tried} ${d.outcome} ${d.action} ${d.next}`}
              data-since-ms={Math.round(since)}
              data-took-ms={Math.round(d.tookMs)}
            >
              <span className="when" title={formatClock(d.at)}>
                +{formatMs(Math.max(0, since))}
              </span>
              <span className="what">
                <strong>{style.short}</strong> ({words.why}): {words.outcome}. {words.check}{" "}
                <strong>{words.next}</strong>
              </span>
            </li>
          );
        })}
        {now !== null && <li className="decision decision-trying">{now}</li>}
        {shown.length === 0 && now === null && <li>No decision yet.</li>}
      </ol>
    </section>
  );
}
