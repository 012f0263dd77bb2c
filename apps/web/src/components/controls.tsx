import { useState } from "react";
import type { GeneratorStatus } from "../hooks/use-generator.ts";
import { useNow } from "../hooks/use-now.ts";
import { RECORD_SECONDS, type RecorderState } from "../hooks/use-recorder.ts";
import type { Teacher } from "../hooks/use-teacher.ts";
import { formatBytes, formatCount } from "../lib/format.ts";
import type { LossRisk } from "../lib/loss-risk.ts";
import { describeApiError } from "../lib/server-api.ts";
import { LIMITS, type Settings } from "../lib/settings.ts";
import { drivesClass } from "../lib/teacher-token.ts";
import { CopyLink } from "./copy-link.tsx";
import { NumberField } from "./number-field.tsx";
import { TeacherBox } from "./teacher-box.tsx";

/** A Record button's state and actions. */
export interface RecorderControl {
  readonly state: RecorderState;
  readonly start: (durationMs: number) => void;
  readonly cancel: () => void;
}

interface ControlsProps {
  readonly settings: Settings;
  readonly update: (patch: Partial<Settings>) => void;
  readonly teacher: Teacher;
  readonly generator: GeneratorStatus;
  /** What the rate and poll interval will cost against the server's history. */
  readonly risks: readonly LossRisk[];
  readonly recorder: RecorderControl;
  readonly onGenerator: (rate: number, payloadBytes: number) => Promise<void>;
  readonly onDisconnect: () => Promise<number>;
  readonly onReset: () => void;
  readonly onExport: (format: "json" | "csv") => void;
  /** Start folded (large type and phones leave the space to the figures). */
  readonly folded?: boolean;
}

/** An action's result; a generator one is shown only while the server's state still agrees with it. */
type Outcome = { readonly ok: boolean; readonly text: string; readonly running?: boolean } | null;

/** The generator as the server last reported it, in words. */
export function generatorWords(status: GeneratorStatus): string {
  switch (status.kind) {
    case "unknown":
      return "Asking the server for the generator…";
    case "absent":
      return "Now: stopped (nothing has used this channel yet)";
    case "known":
      return status.running
        ? `Now: running, ${formatCount(status.rate)} msg/s of about ${formatBytes(status.payloadBytes)}`
        : "Now: stopped";
    default: {
      const never: never = status;
      return never;
    }
  }
}

function running(status: GeneratorStatus): boolean | null {
  if (status.kind === "known") return status.running;
  return status.kind === "absent" ? false : null;
}

/** Generator, timing, measuring, fault injection and the teacher's token. Students see no teacher controls. */
export function Controls({
  settings,
  update,
  teacher,
  generator,
  risks,
  recorder,
  onGenerator,
  onDisconnect,
  onReset,
  onExport,
  folded = false,
}: ControlsProps) {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [recordSeconds, setRecordSeconds] = useState<number>(30);
  const drives = drivesClass(teacher.role);

  const run = async (work: () => Promise<Exclude<Outcome, null>>) => {
    setBusy(true);
    try {
      setOutcome(await work());
    } catch (error) {
      setOutcome({ ok: false, text: describeApiError(error) });
    } finally {
      setBusy(false);
    }
  };
  // After a server restart the generator is stopped whatever this page last did: never show both.
  const now = running(generator);
  const shown =
    outcome !== null && (outcome.running === undefined || now === null || outcome.running === now);
  const recording = recorder.state.kind === "recording" ? recorder.state : null;

  return (
    <details className="controls-box" open={!folded}>
      <summary>Controls{drives ? "" : " (student view)"}</summary>
      <section className="controls" aria-label="Controls">
        {drives && (
          <fieldset>
            <legend>Generator on “{settings.channel}”</legend>
            <NumberField
              label="Rate"
              unit="msg/s"
              value={settings.rate}
              bounds={LIMITS.rate}
              onCommit={(rate) => update({ rate })}
            />
            <NumberField
              label="Payload"
              unit="bytes"
              value={settings.payloadBytes}
              bounds={LIMITS.payloadBytes}
              onCommit={(payloadBytes) => update({ payloadBytes })}
            />
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() =>
                run(async () => {
                  await onGenerator(settings.rate, settings.payloadBytes);
                  return settings.rate === 0
                    ? { ok: true, text: "Generator stopped.", running: false }
                    : {
                        ok: true,
                        text: `Generator running: ${formatCount(settings.rate)} msg/s of about ${formatBytes(settings.payloadBytes)}.`,
                        running: true,
                      };
                })
              }
            >
              {settings.rate === 0 ? "Stop generator" : "Start generator"}
            </button>
            <button
              type="button"
              disabled={busy || now === false}
              onClick={() =>
                run(async () => {
                  await onGenerator(0, settings.payloadBytes);
                  return { ok: true, text: "Generator stopped.", running: false };
                })
              }
            >
              Stop
            </button>
            <span className="note" aria-live="polite">
              {generatorWords(generator)}
            </span>
          </fieldset>
        )}

        <fieldset>
          <legend>Polling</legend>
          <NumberField
            label="Poll interval"
            unit="ms"
            value={settings.pollIntervalMs}
            bounds={LIMITS.pollIntervalMs}
            onCommit={(pollIntervalMs) => update({ pollIntervalMs })}
          />
          <NumberField
            label="Long-poll timeout"
            unit="ms"
            value={settings.longPollTimeoutMs}
            bounds={LIMITS.longPollTimeoutMs}
            onCommit={(longPollTimeoutMs) => update({ longPollTimeoutMs })}
          />
        </fieldset>

        {risks.length > 0 && (
          <ul className="risks" aria-label="What these settings will cost">
            {risks.map((r) => (
              <li key={`${r.transport}-${r.level}`} className={r.level === "will" ? "risk-will" : "risk-may"}>
                {r.text}
              </li>
            ))}
          </ul>
        )}

        <fieldset>
          <legend>Measure</legend>
          <span className="field">
            <label htmlFor="record-seconds">Window</label>
            <select
              id="record-seconds"
              value={recordSeconds}
              disabled={recording !== null}
              onChange={(e) => setRecordSeconds(Number(e.target.value))}
            >
              {RECORD_SECONDS.map((s) => (
                <option key={s} value={s}>
                  {s} s
                </option>
              ))}
            </select>
          </span>
          {recording === null ? (
            <button type="button" className="primary" onClick={() => recorder.start(recordSeconds * 1000)}>
              Record {recordSeconds} s
            </button>
          ) : (
            <button type="button" onClick={recorder.cancel}>
              Cancel recording
            </button>
          )}
          {recording !== null && (
            <RecordingNote startedAt={recording.startedAt} durationMs={recording.durationMs} />
          )}
          <button type="button" onClick={onReset} disabled={recording !== null}>
            Reset metrics
          </button>
          <button type="button" onClick={() => onExport("json")}>
            Export JSON
          </button>
          <button type="button" onClick={() => onExport("csv")}>
            Export CSV
          </button>
          <CopyLink />
        </fieldset>

        {drives && (
          <fieldset>
            <legend>Class</legend>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() =>
                run(async () => {
                  const n = await onDisconnect();
                  return {
                    ok: true,
                    text: `Cut ${formatCount(n)} connection${n === 1 ? "" : "s"} on “${settings.channel}”: each panel's event strip shows what happened to it.`,
                  };
                })
              }
            >
              Disconnect everyone
            </button>
          </fieldset>
        )}

        <TeacherBox teacher={teacher} />

        {shown && (
          <p
            className={`note ${outcome.ok ? "ok" : "error"}`}
            role="status"
            style={{ flexBasis: "100%", margin: 0 }}
          >
            {outcome.text}
          </p>
        )}
      </section>
    </details>
  );
}

/** "Recording: 12 s left", refreshed every second. */
function RecordingNote({
  startedAt,
  durationMs,
}: {
  readonly startedAt: number;
  readonly durationMs: number;
}) {
  const left = useSecondsLeft(startedAt + durationMs);
  return (
    <span className="note recording" role="status">
      Recording: {left} s left. Every figure restarted at 0 when it began; the run is saved when it ends.
    </span>
  );
}

function useSecondsLeft(endsAt: number): number {
  return Math.max(0, Math.ceil((endsAt - useNow(1000)) / 1000));
}
