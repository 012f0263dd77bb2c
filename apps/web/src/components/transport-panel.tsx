import type { ByteCount } from "@transport-lab/metrics";
import type { CSSProperties, ReactNode } from "react";
import { type Behind, behindWords } from "../lib/behind.ts";
import {
  formatBytes,
  formatClock,
  formatCount,
  formatLatency,
  formatRatio,
  formatShare,
  formatUncertainty,
} from "../lib/format.ts";
import type { LaneView, ReceivedMessage } from "../lib/lab-view.ts";
import { type LossContext, laneLost, lossWords } from "../lib/lane-loss.ts";
import { classifyMessage } from "../lib/message-kind.ts";
import { describeLaneState, describeReset } from "../lib/state-text.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";
import { EventStrip } from "./event-strip.tsx";

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

/** One line of a recent message: seq, what it is, and its latency (never below the clock's uncertainty). */
export function messageLine(m: ReceivedMessage, uncertainty: number | null | undefined): string {
  const kind = classifyMessage(m.data);
  const what =
    kind.kind === "chat"
      ? `${kind.name}: ${kind.text}`
      : kind.kind === "tick"
        ? `tick ${kind.tick} (+${kind.padBytes} B pad)`
        : kind.preview;
  return `#${m.seq} ${formatClock(m.receivedAt)} ${m.latency === null ? "" : `${formatLatency(m.latency, uncertainty)} `}${what}`;
}

interface TransportPanelProps {
  readonly lane: LaneView;
  readonly onTogglePause?: () => void;
  readonly onRetry?: () => void;
  /** What the loss explanation needs to know (rate, poll interval, the server's history). */
  readonly loss: LossContext;
  /** Set when this transport is falling far behind another one of the page. */
  readonly behind?: Behind | null;
  /** Wall clock of the view, for the event strip. */
  readonly now: number;
}

/** Every figure of one transport, with its connection state, its events and its last messages. */
export function TransportPanel({ lane, onTogglePause, onRetry, loss, behind, now }: TransportPanelProps) {
  const style = TRANSPORT_STYLE[lane.transport];
  const m = lane.figures?.metrics;
  const u = m?.clock?.uncertainty;
  const state = describeLaneState(lane.state, lane.paused, lane.error);
  const headingId = `panel-${lane.transport}`;
  const anomalies = m === undefined ? 0 : m.gaps + m.duplicates + m.reorders;
  const responses = lane.figures?.metrics.responses ?? 0;
  const lost = laneLost(lane);
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
      <EventStrip transport={lane.transport} events={lane.events} now={now} />
      <div className="latency-row">
        {(["p50", "p90", "p99", "max"] as const).map((p) => {
          const text = formatLatency(m?.latency[p], u);
          return (
            <div key={p}>
              <span className="label">{p}</span>
              <span className={text.startsWith("<") ? "value below" : "value"}>{text}</span>
            </div>
          );
        })}
      </div>
      <dl className="figures">
        <Figure label="Messages">{formatCount(m?.messages)}</Figure>
        <Figure
          label="Lost"
          title="Messages never delivered: a reset skipped them because the server no longer kept them"
        >
          <span className={lost > 0 ? "bad-figure" : undefined}>
            {m === undefined ? "–" : formatCount(lost)}
          </span>
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
        <Figure
          label="Empty answers"
          title="Poll and long-poll answers that carried no message, of all answers"
        >
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
        <Figure
          label="Clock ±"
          title="Uncertainty of the clock offset applied to every latency (half the best round trip)"
        >
          {formatUncertainty(u)}
        </Figure>
        <Figure label="Cursor" wide>
          <code>{lane.cursor ?? "–"}</code>
        </Figure>
      </dl>
      {behind !== null && behind !== undefined && (
        <p className="note warn-note" role="status">
          {behindWords(behind)}
        </p>
      )}
      {lost > 0 && <p className="note error">{lossWords(lane, lost, loss)}</p>}
      {m !== undefined && m.latency.negative > 0 && (
        <p className="note">
          {formatShare(m.latency.negative, m.latency.count)} of the latencies came out below 0: the clock
          offset is only known to {formatUncertainty(u)}, and those deliveries were faster than that. They
          count as 0 and show as “&lt; {formatUncertainty(u)}”.
        </p>
      )}
      {lane.lastReset !== null && reset !== null && lost === 0 && (
        <p className="note error">
          Server reset ({reset.why}) at {formatClock(lane.lastReset.at)}: {reset.after}.
        </p>
      )}
      <ul className="recent" aria-label={`Last messages over ${style.label}`}>
        {lane.recent.slice(0, 5).map((msg) => (
          <li key={msg.seq}>{messageLine(msg, u)}</li>
        ))}
        {lane.recent.length === 0 && <li>No message yet.</li>}
      </ul>
    </section>
  );
}
