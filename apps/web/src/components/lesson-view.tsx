import { type ClassRoster, type ServerMetrics, TRANSPORT_NAMES } from "@transport-lab/protocol";
import { type CSSProperties, useState } from "react";
import type { Polled } from "../hooks/use-polled.ts";
import { transportLoads } from "../lib/class-rates.ts";
import { formatCount } from "../lib/format.ts";
import { type LabView, pageUncertainty } from "../lib/lab-view.ts";
import { LESSON, type LessonStep } from "../lib/lesson-plan.ts";
import { describeApiError } from "../lib/server-api.ts";
import { describeLaneState } from "../lib/state-text.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";
import { CostChart } from "./cost-chart.tsx";
import { EventStrip } from "./event-strip.tsx";
import { LatencyChart } from "./latency-chart.tsx";

interface LessonViewProps {
  readonly view: LabView;
  /** 0-based step. */
  readonly step: number;
  readonly onStep: (step: number) => void;
  /** Whether this page drives the class (the teacher's projector, or an open server). */
  readonly drives: boolean;
  /** What the step's entry did (or could not do), shown under its title. */
  readonly applied: string | null;
  readonly roster: Polled<ClassRoster>;
  readonly metrics: Polled<ServerMetrics>;
  readonly onDisconnect: () => Promise<number>;
  readonly bridgeMs: number;
  readonly now: number;
}

/**
 * Lesson mode: the 15-minute plan built into the page, one step at a time, readable from the back
 * of a room on a 1280×720 projector: what to do, what to watch, three big figures per transport
 * and a caption under each chart saying what to look at. Entering a step sets what it needs.
 */
export function LessonView({
  view,
  step,
  onStep,
  drives,
  applied,
  roster,
  metrics,
  onDisconnect,
  bridgeMs,
  now,
}: LessonViewProps) {
  const index = Math.min(Math.max(0, step), LESSON.length - 1);
  const current = LESSON[index] as LessonStep;
  const loads =
    metrics.current === null ? [] : transportLoads(metrics.previous, metrics.current, metrics.seconds);
  const uncertainty = pageUncertainty(view);
  const [cut, setCut] = useState<string | null>(null);
  return (
    <div className="lesson">
      <header className="lesson-head">
        <h2>
          <span className="lesson-minutes">
            Step {index + 1} of {LESSON.length} · minutes {current.minutes}
          </span>{" "}
          {current.title}
        </h2>
        <nav className="lesson-nav" aria-label="Lesson steps">
          <button type="button" onClick={() => onStep(index - 1)} disabled={index === 0}>
            ◀ Back
          </button>
          <ol className="lesson-dots">
            {LESSON.map((s, i) => (
              <li key={s.title}>
                <button
                  type="button"
                  aria-current={i === index ? "step" : undefined}
                  aria-label={`Step ${i + 1}: ${s.title}`}
                  onClick={() => onStep(i)}
                >
                  {i + 1}
                </button>
              </li>
            ))}
          </ol>
          <button
            type="button"
            className="primary"
            onClick={() => onStep(index + 1)}
            disabled={index === LESSON.length - 1}
          >
            Next ▶
          </button>
        </nav>
      </header>
      {applied !== null && <p className="note lesson-applied">{applied}</p>}
      <div className="lesson-text">
        <p>
          <strong>Do:</strong> {current.act}
        </p>
        <p>
          <strong>Watch:</strong> {current.watch}
        </p>
      </div>
      {current.action === "disconnect" && drives && (
        <div className="lesson-action">
          <button
            type="button"
            className="danger"
            onClick={async () => {
              try {
                const n = await onDisconnect();
                setCut(`Cut ${formatCount(n)} connection${n === 1 ? "" : "s"}: watch the strips.`);
              } catch (error) {
                setCut(describeApiError(error));
              }
            }}
          >
            Disconnect everyone
          </button>
          {cut !== null && (
            <span className="note" role="status">
              {cut}
            </span>
          )}
        </div>
      )}
      <div className="lesson-cards">
        {TRANSPORT_NAMES.map((t) => {
          const lane = view.lanes.find((l) => l.transport === t);
          const state = describeLaneState(lane?.state ?? null, lane?.paused ?? false, lane?.error ?? null);
          const input = {
            lane,
            transport: t,
            roster: roster.current,
            load: loads.find((l) => l.transport === t),
          };
          return (
            <section
              key={t}
              className="lesson-card"
              style={{ "--transport-color": TRANSPORT_STYLE[t].color } as CSSProperties}
              aria-labelledby={`lesson-${t}`}
            >
              <h3 id={`lesson-${t}`}>
                <span className={`dot ${state.tone}`} aria-hidden="true" /> {TRANSPORT_STYLE[t].label}
              </h3>
              <dl>
                {current.headlines.map((h) => (
                  <div key={h.label}>
                    <dt>{h.label}</dt>
                    <dd>{h.value(input)}</dd>
                  </div>
                ))}
              </dl>
              {current.chart === "strips" && lane !== undefined && (
                <EventStrip transport={t} events={lane.events} now={now} />
              )}
            </section>
          );
        })}
      </div>
      {current.chart === "roster" && (
        <p className="chart-caption lesson-wide-caption">{current.captions[0]}</p>
      )}
      {current.chart === "strips" && (
        <p className="chart-caption lesson-wide-caption">{current.captions[0]}</p>
      )}
      {(current.chart === "latency" || current.chart === "latency+cost" || current.chart === "cost") && (
        <div className={current.chart === "latency+cost" ? "lesson-charts two" : "lesson-charts"}>
          {current.chart !== "cost" && (
            <LatencyChart
              data={view.chart}
              large
              bridgeMs={bridgeMs}
              uncertainty={() => uncertainty}
              caption={current.captions[0]}
              height={140}
            />
          )}
          {current.chart !== "latency" && (
            <CostChart
              lanes={view.lanes}
              only={current.cost ?? ["requests", "bytes"]}
              caption={current.captions[current.chart === "cost" ? 0 : 1]}
            />
          )}
        </div>
      )}
    </div>
  );
}
