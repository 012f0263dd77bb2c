import type { ChannelInfo } from "@transport-lab/protocol";
import { type FormEvent, useEffect, useId, useState } from "react";
import { formatBytes, formatCount } from "../lib/format.ts";
import { describeApiError } from "../lib/server-api.ts";
import { LIMITS, type Settings } from "../lib/settings.ts";

/** A number input that commits on Enter or blur, clamped to its bounds, so typing never reconnects mid-number. */
function NumberField({
  label,
  value,
  bounds,
  onCommit,
  unit,
}: {
  readonly label: string;
  readonly value: number;
  readonly bounds: { readonly min: number; readonly max: number };
  readonly onCommit: (value: number) => void;
  readonly unit: string;
}) {
  const id = useId();
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const commit = () => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n)) {
      setText(String(value));
      return;
    }
    const clamped = Math.min(bounds.max, Math.max(bounds.min, Math.round(n)));
    setText(String(clamped));
    if (clamped !== value) onCommit(clamped);
  };
  return (
    <span className="field">
      <label htmlFor={id}>
        {label} ({unit})
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={bounds.min}
        max={bounds.max}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
        }}
      />
    </span>
  );
}

interface ControlsProps {
  readonly settings: Settings;
  readonly update: (patch: Partial<Settings>) => void;
  readonly token: string;
  readonly setToken: (token: string) => void;
  readonly generator: ChannelInfo["generator"] | null;
  readonly onGenerator: (rate: number, payloadBytes: number) => Promise<void>;
  readonly onDisconnect: () => Promise<number>;
  readonly onReset: () => void;
  readonly onExport: (format: "json" | "csv") => void;
  /** Start folded (large-type mode leaves the projector's space to the figures). */
  readonly folded?: boolean;
}

type Outcome = { readonly ok: boolean; readonly text: string } | null;

/** Generator, timing, fault injection, reset, export and the teacher's token. */
export function Controls({
  settings,
  update,
  token,
  setToken,
  generator,
  onGenerator,
  onDisconnect,
  onReset,
  onExport,
  folded = false,
}: ControlsProps) {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [tokenDraft, setTokenDraft] = useState(token);
  const tokenId = useId();
  useEffect(() => setTokenDraft(token), [token]);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    try {
      setOutcome({ ok: true, text: await work() });
    } catch (error) {
      setOutcome({ ok: false, text: describeApiError(error) });
    } finally {
      setBusy(false);
    }
  };

  const saveToken = (e: FormEvent) => {
    e.preventDefault();
    setToken(tokenDraft.trim());
    setOutcome({
      ok: true,
      text: tokenDraft.trim() === "" ? "Admin token removed." : "Admin token saved in this browser.",
    });
  };

  return (
    <details className="controls-box" open={!folded}>
      <summary>Controls</summary>
      <section className="controls" aria-label="Controls">
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
                  ? "Generator stopped."
                  : `Generator running: ${formatCount(settings.rate)} msg/s of about ${formatBytes(settings.payloadBytes)}.`;
              })
            }
          >
            {settings.rate === 0 ? "Stop generator" : "Start generator"}
          </button>
          <button
            type="button"
            disabled={busy || generator?.running === false}
            onClick={() =>
              run(async () => {
                await onGenerator(0, settings.payloadBytes);
                return "Generator stopped.";
              })
            }
          >
            Stop
          </button>
          <span className="note" aria-live="polite">
            {generator === null
              ? "Generator state unknown"
              : generator.running
                ? `Now: ${formatCount(generator.rate)} msg/s, ${formatBytes(generator.payloadBytes)}`
                : "Now: stopped"}
          </span>
        </fieldset>

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

        <fieldset>
          <legend>Class</legend>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() =>
              run(async () => {
                const n = await onDisconnect();
                return `Cut ${formatCount(n)} connection${n === 1 ? "" : "s"} on “${settings.channel}”: watch each transport recover.`;
              })
            }
          >
            Disconnect everyone
          </button>
          <button type="button" onClick={onReset}>
            Reset metrics
          </button>
          <button type="button" onClick={() => onExport("json")}>
            Export JSON
          </button>
          <button type="button" onClick={() => onExport("csv")}>
            Export CSV
          </button>
          <button
            type="button"
            onClick={() =>
              run(async () => {
                await navigator.clipboard.writeText(window.location.href);
                return "Link copied: it carries these settings, never the admin token.";
              })
            }
          >
            Copy link
          </button>
        </fieldset>

        <form onSubmit={saveToken} className="field-row">
          <fieldset>
            <legend>Teacher</legend>
            <span className="field">
              <label htmlFor={tokenId}>Admin token</label>
              <input
                id={tokenId}
                type="password"
                autoComplete="off"
                value={tokenDraft}
                onChange={(e) => setTokenDraft(e.target.value)}
                placeholder={token === "" ? "not set" : "saved"}
              />
            </span>
            <button type="submit">Save</button>
          </fieldset>
        </form>

        {outcome !== null && (
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
