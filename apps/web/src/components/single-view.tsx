import type { CSSProperties } from "react";
import { switchVerdict } from "../lib/continuity.ts";
import { formatClock, formatCount } from "../lib/format.ts";
import { type LabView, pageUncertainty } from "../lib/lab-view.ts";
import type { LossContext } from "../lib/lane-loss.ts";
import type { LaneName } from "../lib/lane-names.ts";
import { SINGLE_TRANSPORTS, type SingleTransport } from "../lib/settings.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";
import { FallbackTimeline } from "./fallback-timeline.tsx";
import { FiguresTable } from "./figures-table.tsx";
import { LatencyChart } from "./latency-chart.tsx";
import { TransportPanel } from "./transport-panel.tsx";

const VERDICT_WORDS = {
  waiting: "waiting for the next message…",
  superseded: "moved on before any message came over it",
  seamless: "nothing lost, nothing repeated",
  lost: "messages lost",
  repeated: "messages repeated",
} as const;

interface SingleViewProps {
  readonly view: LabView;
  readonly large: boolean;
  /** Empty chart stretches up to this long are drawn through (from the poll interval). */
  readonly bridgeMs: number;
  readonly loss: LossContext;
  readonly now: number;
  readonly onSwitch: (transport: SingleTransport) => void;
  readonly onRetry: (transport: LaneName) => void;
  /** Auto: forget this tab's choice and start from the top. */
  readonly onRestartAuto: () => void;
  /** Opens the wire view on this client. */
  readonly onWire: () => void;
}

/** One client, one transport at a time; switching resumes from the cursor, and the page checks that it did. */
export function SingleView({
  view,
  large,
  bridgeMs,
  loss,
  now,
  onSwitch,
  onRetry,
  onRestartAuto,
  onWire,
}: SingleViewProps) {
  const lane = view.lanes[0];
  if (lane === undefined) return null;
  const c = lane.continuity;
  const clean = c.skips === 0 && c.repeats === 0;
  const timeline = lane.auto || lane.decisions.length > 0;
  return (
    <>
      {/* With Auto's timeline the two sit side by side on a wide screen: the timeline above the fold. */}
      <div className={timeline ? "single-top with-timeline" : "single-top"}>
        <section className="card" aria-labelledby="switch-title">
          <h2 id="switch-title">Transport</h2>
          <fieldset className="switcher" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="visually-hidden">Switch transport</legend>
            {SINGLE_TRANSPORTS.map((t) => (
              <button
                key={t}
                type="button"
                aria-pressed={t === "auto" ? lane.auto : !lane.auto && lane.transport === t}
                // Auto, when pressed, wears the colour of the transport it is on (it names it too).
                style={
                  {
                    "--transport-color": TRANSPORT_STYLE[t === "auto" ? lane.transport : t].color,
                  } as CSSProperties
                }
                onClick={() => onSwitch(t)}
              >
                {t === "auto"
                  ? `Auto${lane.auto ? ` (${TRANSPORT_STYLE[lane.transport].short})` : ""}`
                  : TRANSPORT_STYLE[t].label}
              </button>
            ))}
          </fieldset>
          <p className="note">
            A switch closes the current connection and opens the next one from the same cursor: the next
            message must be the one after the last delivered, whatever the transport. Auto makes the same
            switches by itself when a transport fails: each move shows in its timeline and in the switches
            table.
          </p>
        </section>
        {timeline && (
          <FallbackTimeline lane={lane} onRestart={lane.auto ? onRestartAuto : undefined} onWire={onWire} />
        )}
      </div>
      <div className="two-col">
        <TransportPanel lane={lane} loss={loss} now={now} onRetry={() => onRetry(lane.transport)} />
        <section className="card" aria-labelledby="continuity-title">
          <h2 id="continuity-title">Nothing lost, nothing repeated?</h2>
          <p>
            This page checked every seq it was handed since it connected:{" "}
            <strong>{formatCount(c.delivered)}</strong> messages, last #{c.lastSeq}.{" "}
            <span className={clean ? "verdict-good" : "verdict-bad"}>
              {clean
                ? "Every seq was the previous one + 1."
                : `${c.skips} jump(s) skipping ${c.skipped} seq(s), ${c.repeats} repeat(s).`}
            </span>
            {c.resets > 0 &&
              ` The server reset the position ${c.resets} time(s)${c.lost > 0 ? `, skipping ${c.lost} message(s) it no longer kept (lost)` : " (nothing it skipped was lost)"}.`}
          </p>
          <div className="table-scroll">
            <table className="figures-table">
              <caption>Switches (latest last)</caption>
              <thead>
                <tr>
                  <th scope="col">At</th>
                  <th scope="col">From → to</th>
                  <th scope="col">Cursor</th>
                  <th scope="col">Last before</th>
                  <th scope="col">First after</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {view.switches.map((s) => {
                  const verdict = switchVerdict(s);
                  return (
                    <tr key={s.at}>
                      <td>{formatClock(s.at)}</td>
                      <td>
                        {TRANSPORT_STYLE[s.from].short} → {TRANSPORT_STYLE[s.to].short}
                      </td>
                      <td>
                        <code>{s.cursor ?? "–"}</code>
                      </td>
                      <td>#{s.lastSeqBefore}</td>
                      <td>{s.firstSeqAfter === null ? "–" : `#${s.firstSeqAfter}`}</td>
                      <td
                        className={
                          verdict === "seamless"
                            ? "verdict-good"
                            : verdict === "waiting" || verdict === "superseded"
                              ? ""
                              : "verdict-bad"
                        }
                      >
                        {VERDICT_WORDS[verdict]}
                      </td>
                    </tr>
                  );
                })}
                {view.switches.length === 0 && (
                  <tr>
                    <td colSpan={6}>No switch yet: pick another transport above.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <p className="note">
            “First after” needs a message to arrive: start the generator, or send a chat line, after
            switching.
          </p>
        </section>
      </div>
      <section className="card" style={{ marginBottom: "0.8rem" }}>
        <FiguresTable
          rows={view.perTransport}
          caption="Every transport this client has used, since it connected"
        />
      </section>
      <LatencyChart
        data={view.chart}
        large={large}
        bridgeMs={bridgeMs}
        uncertainty={() => pageUncertainty(view)}
      />
    </>
  );
}
