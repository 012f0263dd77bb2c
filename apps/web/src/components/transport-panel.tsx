import type { ByteCount } from "@transport-lab/metrics";
import type { CSSProperties, ReactNode } from "react";
import {
  formatBytes,
  formatClock,
  formatCount,
  formatMs,
  formatRatio,
  formatShare,
  formatUncertainty,
} from "../lib/format.ts";
import type { LaneView, ReceivedMessage } from "../lib/lab-view.ts";
import { classifyMessage } from "../lib/message-kind.ts";
import { describeLaneState, describeReset } from "../lib/state-text.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

function Figure({
  label,
  children,
  title,
  wide,
}: {
  readonly label: string;
  readonly children: ReactNode;
  readonly title?: string;
  readonly wide?: boolean;
}) {
  return (
    <div className={wide === true ? "wide" : undefined} title={title}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function SourceTag({ count }: { readonly count: ByteCount }) {
  if (count.source === null) return null;
  const text = count.source === "measured" ? "measured" : count.source === "computed" ? "computed" : "mixed";
  return (
    <span
      className="tag"
      title={
        count.source === "computed"
          ? "computed from the protocol (the browser exposes no counter here)"
          : count.source === "measured"
            ? "measured by the browser (Resource Timing)"
            : `${formatBytes(count.measured)} measured, ${formatBytes(count.computed)} computed`
      }
    >
      {text}
    </span>
  );
}

/** One line of a recent message: seq, what it is, and its latency. */
export function messageLine(m: ReceivedMessage): string {
  const kind = classifyMessage(m.data);
  const what =
    kind.kind === "chat"
      ? `${kind.name}: ${kind.text}`
      : kind.kind === "tick"
        ? `tick ${kind.tick} (+${kind.padBytes} B pad)`
        : kind.preview;
  return `#${m.seq} ${formatClock(m.receivedAt)} ${m.latency === null ? "" : `${formatMs(m.latency)} `}${what}`;
}

interface TransportPanelProps {
  readonly lane: LaneView;
  readonly onTogglePause?: () => void;
  readonly onRetry?: () => void;
}

/** Every figure of one transport, with its connection state and its last messages. */
export function TransportPanel({ lane, onTogglePause, onRetry }: TransportPanelProps) {
  const style = TRANSPORT_STYLE[lane.transport];
  const m = lane.figures?.metrics;
  const state = describeLaneState(lane.state, lane.paused, lane.error);
  const headingId = `panel-${lane.transport}`;
  const anomalies = m === undefined ? 0 : m.gaps + m.duplicates + m.reorders;
  const responses = lane.figures?.extras?.responses ?? 0;
  const reset = lane.lastReset === null ? null : describeReset(lane.lastReset.reason, lane.lastReset.cursor);
  return (
    <section
      className={`panel${lane.paused ? " paused" : ""}`}
      style={{ "--transport-color": style.color } as CSSProperties}
      aria-labelledby={headingId}
    >
      <div className="panel-head">
        <h2 id={headingId}>{style.label}</h2>
        <span className="spacer" />
        {onRetry !== undefined && (lane.state?.kind === "closed" || lane.error !== null) && !lane.paused && (
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        )}
        {onTogglePause !== undefined && (
          <button
            type="button"
            onClick={onTogglePause}
            aria-pressed={lane.paused}
            aria-label={`${lane.paused ? "Resume" : "Pause"} ${style.label}`}
          >
            {lane.paused ? "Resume" : "Pause"}
          </button>
        )}
      </div>
      <p className="state-line" aria-live="polite">
        <span className={`dot ${state.tone}`} aria-hidden="true" />
        <strong>{state.label}</strong>
        <span className="note">{state.detail}</span>
      </p>
      <div className="latency-row">
        {(["p50", "p90", "p99", "max"] as const).map((p) => (
          <div key={p}>
            <span className="label">{p}</span>
            <span className="value">{formatMs(m?.latency[p])}</span>
          </div>
        ))}
      </div>
      <dl className="figures">
        <Figure label="Messages">{formatCount(m?.messages)}</Figure>
        <Figure
          label="Clock ±"
          title="Uncertainty of the clock offset applied to every latency (half the best round trip)"
        >
          {formatUncertainty(m?.clock?.uncertainty)}
        </Figure>
        <Figure label="HTTP requests">{formatCount(m?.httpRequests)}</Figure>
        <Figure label="Requests / msg">{formatRatio(m?.requestsPerMessage)}</Figure>
        <Figure label="Wire in">
          {formatBytes(m?.bytesIn.bytes)}
          {m !== undefined && <SourceTag count={m.bytesIn} />}
        </Figure>
        <Figure label="Wire out">
          {formatBytes(m?.bytesOut.bytes)}
          {m !== undefined && <SourceTag count={m.bytesOut} />}
        </Figure>
        <Figure label="Bytes / msg">{formatBytes(m?.bytesPerMessage)}</Figure>
        <Figure label="Empty answers" title="Poll and long-poll answers that carried no message">
          {formatCount(m?.emptyResponses)}
          {responses > 0 && <span className="tag">{formatShare(m?.emptyResponses ?? 0, responses)}</span>}
        </Figure>
        <Figure
          label="Gaps / dup / reord"
          title="Seq jumps (messages missed), repeated seqs dropped, seqs out of order: counted, never hidden"
        >
          <span className={anomalies > 0 ? "bad-figure" : undefined}>
            {m === undefined
              ? "–"
              : `${m.gaps}${m.missed > 0 ? ` (${m.missed})` : ""} / ${m.duplicates} / ${m.reorders}`}
          </span>
        </Figure>
        <Figure label="Reconnects">
          {formatCount(m?.reconnects)}
          {m !== undefined && m.resets > 0 && <span className="tag">{m.resets} reset</span>}
        </Figure>
        <Figure label="Cursor" wide>
          <code>{lane.cursor ?? "–"}</code>
        </Figure>
      </dl>
      {m !== undefined && m.latency.negative > 0 && (
        <p className="note">
          {formatShare(m.latency.negative, m.latency.count)} of latencies fell below 0 and count as 0: here
          the delivery is faster than the clock uncertainty ({formatUncertainty(m.clock?.uncertainty)}).
        </p>
      )}
      {lane.lastReset !== null && reset !== null && (
        <p className="note error">
          Server reset ({reset.why}) at {formatClock(lane.lastReset.at)}: {reset.after}.
        </p>
      )}
      <ul className="recent" aria-label={`Last messages over ${style.label}`}>
        {lane.recent.slice(0, 5).map((msg) => (
          <li key={msg.seq}>{messageLine(msg)}</li>
        ))}
        {lane.recent.length === 0 && <li>No message yet.</li>}
      </ul>
    </section>
  );
}
