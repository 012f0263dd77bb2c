import { useState } from "react";
import { download, exportCsv } from "../lib/export-results.ts";
import { formatMs } from "../lib/format.ts";
import { diffRuns } from "../lib/run-diff.ts";
import type { SavedRun } from "../lib/saved-runs.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

function fileStem(run: SavedRun): string {
  return `transport-lab-run-${run.settings.channel}-${run.startedAt.replace(/\.\d+Z$/, "Z").replaceAll(":", "-")}`;
}

function settingsWords(run: SavedRun): string {
  const s = run.settings;
  const paused =
    s.paused.length === 0 ? "" : `, paused: ${s.paused.map((t) => TRANSPORT_STYLE[t].short).join(", ")}`;
  const network = run.network == null ? "" : `, network ${run.network.name}`;
  return `channel ${s.channel}${network}, poll every ${formatMs(s.pollIntervalMs)}, long-poll timeout ${formatMs(s.longPollTimeoutMs)}${paused}`;
}

/**
 * The runs recorded in this browser: each with the settings and server it was measured under,
 * exportable, and any two side by side.
 */
export function RunsView({
  runs,
  stored,
  onRemove,
}: {
  readonly runs: readonly SavedRun[];
  readonly stored: boolean;
  readonly onRemove: (id: string) => void;
}) {
  const [picked, setPicked] = useState<readonly string[]>([]);
  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  // A is the earlier run, B the later one, whatever order they were picked in.
  const [a, b] = picked
    .map((id) => runs.find((r) => r.id === id))
    .filter((r) => r !== undefined)
    .sort((x, y) => x.startedAt.localeCompare(y.startedAt));
  return (
    <>
      <section className="card" aria-labelledby="runs-title" style={{ marginBottom: "0.8rem" }}>
        <h2 id="runs-title">Saved runs</h2>
        <p className="note">
          “Record” in the controls measures a fixed window from zero (every transport reconnects from its
          cursor when it starts) and keeps it here, in this browser only, with its settings, the server it ran
          against and the full latency histograms. Pick two to compare them.
          {!stored &&
            " The browser's storage refused the last save: the runs shown are kept only until this tab closes."}
        </p>
        {runs.length === 0 ? (
          <p>No run yet: press “Record” in the controls of the compare or single view.</p>
        ) : (
          <ul className="run-list">
            {runs.map((run) => (
              <li key={run.id}>
                <label>
                  <input type="checkbox" checked={picked.includes(run.id)} onChange={() => toggle(run.id)} />{" "}
                  <strong>{run.label}</strong>
                </label>
                <span className="note">
                  {new Date(run.startedAt).toLocaleString()} · {settingsWords(run)} · server build{" "}
                  {run.server.build}
                  {run.server.epoch === null ? "" : `, epoch ${run.server.epoch}`}
                  {run.server.historySize === null ? "" : `, HISTORY ${run.server.historySize}`}
                </span>
                <span className="run-actions">
                  <button
                    type="button"
                    onClick={() =>
                      download(
                        `${fileStem(run)}.json`,
                        `${JSON.stringify(run, null, 2)}\n`,
                        "application/json",
                      )
                    }
                  >
                    JSON
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      download(
                        `${fileStem(run)}.csv`,
                        exportCsv(run.transports, {
                          settings: run.settings,
                          mode: run.mode,
                          generator: run.generator,
                          run: { id: run.id, startedAt: run.startedAt },
                        }),
                        "text/csv",
                      )
                    }
                  >
                    CSV
                  </button>
                  <button type="button" onClick={() => onRemove(run.id)}>
                    Delete
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {a !== undefined && b !== undefined && <RunDiff a={a} b={b} />}
    </>
  );
}

function RunDiff({ a, b }: { readonly a: SavedRun; readonly b: SavedRun }) {
  const rows = diffRuns(a, b);
  return (
    <section className="card" aria-labelledby="diff-title">
      <h2 id="diff-title">Two runs side by side</h2>
      <div className="table-scroll">
        <table className="figures-table run-diff">
          <caption>
            A: {a.label} ({new Date(a.startedAt).toLocaleTimeString()}) · B: {b.label} (
            {new Date(b.startedAt).toLocaleTimeString()})
          </caption>
          <thead>
            <tr>
              <th scope="col">Transport</th>
              <th scope="col">Figure</th>
              <th scope="col">A</th>
              <th scope="col">B</th>
              <th scope="col">B ÷ A</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.transport}-${r.figure}`}>
                <th scope="row" style={{ color: TRANSPORT_STYLE[r.transport].color }}>
                  {TRANSPORT_STYLE[r.transport].short}
                </th>
                <td>{r.figure}</td>
                <td>{r.a}</td>
                <td>{r.b}</td>
                <td>{r.ratio}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
