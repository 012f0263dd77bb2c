import type { CSSProperties } from "react";
import { stripCaption } from "../lib/event-words.ts";
import { LANE_EVENT_WINDOW, type LaneEvent, type LaneEventKind } from "../lib/lane-events.ts";
import type { LaneName } from "../lib/lane-names.ts";

const MARKS: Record<LaneEventKind, { readonly glyph: string; readonly label: string }> = {
  connect: { glyph: "●", label: "connected" },
  drop: { glyph: "▼", label: "dropped" },
  resume: { glyph: "▲", label: "resumed" },
  reset: { glyph: "■", label: "reset" },
  stop: { glyph: "✕", label: "stopped" },
  cut: { glyph: "", label: "disconnect pressed" },
};

/**
 * A lane's connection events over the last minute: a drop and a resume 300 ms apart stay on
 * screen for a whole minute, long enough for a class to see them, with a caption in words.
 */
export function EventStrip({
  transport,
  events,
  now,
}: {
  readonly transport: LaneName;
  readonly events: readonly LaneEvent[];
  readonly now: number;
}) {
  const left = (at: number) => {
    const share = 1 - (now - at) / LANE_EVENT_WINDOW.ms;
    return `${Math.max(1, Math.min(99, share * 100)).toFixed(2)}%`;
  };
  const kinds = [...new Set(events.map((e) => MARKS[e.kind].label))];
  return (
    <div className="event-strip">
      <div
        className="strip"
        role="img"
        aria-label={`Connection events of the last minute: ${events.length === 0 ? "none" : kinds.join(", ")}`}
      >
        <span className="strip-end" aria-hidden="true">
          −{LANE_EVENT_WINDOW.ms / 1000} s
        </span>
        {events.map((e) => (
          <span
            key={`${e.kind}-${e.at}`}
            className={`mark mark-${e.kind}`}
            style={{ left: left(e.at) } as CSSProperties}
            aria-hidden="true"
            title={MARKS[e.kind].label}
          >
            {MARKS[e.kind].glyph}
          </span>
        ))}
        <span className="strip-now" aria-hidden="true">
          now
        </span>
      </div>
      <p className="note strip-caption">{stripCaption(transport, events)}</p>
    </div>
  );
}
