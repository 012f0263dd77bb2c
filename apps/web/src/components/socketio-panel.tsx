import type { CSSProperties } from "react";
import type { SocketIoLaneState } from "../hooks/use-socketio-lane.ts";
import { formatBytes, formatClock, formatCount, formatLatency, formatRatio } from "../lib/format.ts";
import type { SocketIoLaneView } from "../lib/socketio-lane.ts";

/** The colour the benchmark reports give Socket.IO (Okabe–Ito orange). */
export const SOCKET_IO_COLOR = "#E69F00";

const STATE_WORDS: Readonly<Record<string, string>> = {
  connecting: "Connecting",
  open: "Open",
  reconnecting: "Reconnecting",
  closed: "Closed",
};

interface SocketIoPanelProps {
  readonly view: SocketIoLaneView | null;
  readonly error: string | null;
}

/**
 * The fifth lane: the same channel through the lab's Socket.IO endpoint, with the figures of the
 * other panels and its own wire view (the Engine.IO open packet, polling then the upgrade, the
 * `42[…]` events and the pings), which is what Socket.IO adds on top of a WebSocket.
 */
export function SocketIoPanel({ view, error }: SocketIoPanelProps) {
  const m = view?.metrics;
  const u = m?.clock?.uncertainty;
  const state =
    view === null ? (error === null ? "Loading Socket.IO client" : "Failed") : STATE_WORDS[view.state];
  return (
    <section
      className="panel socketio-panel"
      style={{ "--transport-color": SOCKET_IO_COLOR } as CSSProperties}
      aria-labelledby="panel-socketio"
    >
      <div className="panel-head">
        <h2 id="panel-socketio">Socket.IO</h2>
      </div>
      <p className="state-line" aria-live="polite">
        <strong data-testid="socketio-state">{state ?? view?.state}</strong>
        <span className="note">{error ?? "socket.io-client 4.8, polling then WebSocket"}</span>
      </p>
      <div className="latency-row">
        {(["p50", "p90", "p99", "max"] as const).map((p) => (
          <div key={p}>
            <span className="label">{p}</span>
            <span className="value">{formatLatency(m?.latency[p], u)}</span>
          </div>
        ))}
      </div>
      <dl className="figures">
        <div>
          <dt>Messages</dt>
          <dd>{formatCount(view?.received)}</dd>
        </div>
        <div title="First and last seq this lane received">
          <dt>Seqs</dt>
          <dd>{view?.firstSeq == null ? "–" : `${view.firstSeq}–${view.lastSeq}`}</dd>
        </div>
        <div title="Times a seq was not the one after the previous (the page's own check)">
          <dt>Gaps</dt>
          <dd className={(view?.breaks ?? 0) > 0 ? "bad-figure" : undefined}>{formatCount(view?.breaks)}</dd>
        </div>
        <div title="Long-polling requests and WebSocket handshakes">
          <dt>HTTP requests</dt>
          <dd>{formatCount(m?.httpRequests)}</dd>
        </div>
        <div>
          <dt>Requests / msg</dt>
          <dd>{formatRatio(m?.requestsPerMessage)}</dd>
        </div>
        <div title="Computed from Engine.IO's framing (socket.io-client hides its sockets from the page)">
          <dt>Wire in</dt>
          <dd>
            {formatBytes(m?.bytesIn.bytes)} <span className="tag">computed</span>
          </dd>
        </div>
        <div title="Computed from Engine.IO's framing">
          <dt>Wire out</dt>
          <dd>{formatBytes(m?.bytesOut.bytes)}</dd>
        </div>
        <div>
          <dt>Bytes / msg</dt>
          <dd>{formatBytes(m?.bytesPerMessage)}</dd>
        </div>
        <div>
          <dt>Reconnects</dt>
          <dd>{formatCount(m?.reconnects)}</dd>
        </div>
        <div className="wide">
          <dt>Cursor</dt>
          <dd>
            <code>{view?.cursor ?? "–"}</code>
          </dd>
        </div>
      </dl>
      <ul className="recent" aria-label="Last messages over Socket.IO">
        {(view?.recent ?? []).map((seq) => (
          <li key={seq}>#{seq}</li>
        ))}
        {(view?.recent.length ?? 0) === 0 && <li>No message yet.</li>}
      </ul>
      <details className="socketio-wire">
        <summary>Wire: what Socket.IO adds</summary>
        <ol aria-label="Socket.IO wire events, oldest first">
          {(view?.wire ?? []).map((e, i) => (
            // Wire events have no id: time and place in the list tell them apart.
            <li key={`${e.time}-${i}`}>
              <span className="wire-time">{formatClock(e.time)}</span> {e.direction === "in" ? "↓" : "↑"}{" "}
              <code>{e.summary}</code> <span className="note">{formatBytes(e.size)}</span>
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

/** The "vs Socket.IO" switch above the compare view's panels: adds or removes the fifth lane. */
export function SocketIoToggle({ lane }: { readonly lane: SocketIoLaneState }) {
  return (
    <p className="socketio-toggle">
      <button type="button" aria-pressed={lane.enabled} onClick={() => lane.setEnabled(!lane.enabled)}>
        vs Socket.IO
      </button>{" "}
      <span className="note">
        {lane.enabled
          ? "A fifth lane: the same channel through Socket.IO (its client is loaded only now)."
          : "Add a fifth lane: the same channel through the server's Socket.IO endpoint."}
      </span>
    </p>
  );
}
