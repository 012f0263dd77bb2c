import { formatClock } from "../lib/format.ts";
import type { LabView } from "../lib/lab-view.ts";
import type { SettingProblem } from "../lib/settings.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

/** The page's overall state in one pill: connecting, live, some transports reconnecting, server unreachable. */
export function StatusPill({ view }: { readonly view: LabView }) {
  const reconnecting = view.lanes.filter(
    (l) => l.state?.kind === "reconnecting" || l.state?.kind === "connecting",
  );
  let tone = "good";
  let text = "Live";
  if (view.phase.kind === "starting") {
    tone = "warn";
    text = "Connecting…";
  } else if (view.phase.kind === "unreachable") {
    tone = "bad";
    text = "Server unreachable";
  } else if (reconnecting.length > 0) {
    tone = "warn";
    text = `Reconnecting: ${reconnecting.map((l) => TRANSPORT_STYLE[l.transport].short).join(", ")}`;
  }
  return (
    <span className="status-pill" role="status">
      <span className={`dot ${tone}`} aria-hidden="true" />
      {text}
    </span>
  );
}

interface StatusBannersProps {
  readonly view: LabView | null;
  readonly problems: readonly SettingProblem[];
  readonly onDismissProblems: () => void;
  readonly otherTabs: number;
  readonly mode: "compare" | "single";
}

/** Everything the user must know before reading a figure: bad link settings, no server, too many tabs. */
export function StatusBanners({ view, problems, onDismissProblems, otherTabs, mode }: StatusBannersProps) {
  return (
    <>
      {problems.length > 0 && (
        <div className="banner warn" role="alert">
          <h2>Some settings in this link could not be used</h2>
          <ul>
            {problems.map((p) => (
              <li key={`${p.param}=${p.value}`}>
                <code>
                  {p.param}={p.value}
                </code>{" "}
                {p.message}
              </li>
            ))}
          </ul>
          <div className="banner-actions">
            <button type="button" onClick={onDismissProblems}>
              Fix the link and dismiss
            </button>
          </div>
        </div>
      )}
      {view?.phase.kind === "unreachable" && (
        <div className="banner error" role="alert">
          <h2>Server unreachable</h2>
          <p>
            No answer from the server since {formatClock(view.phase.since)} ({view.phase.detail}). The page
            keeps trying; when the server is back every transport resumes from its cursor, and the panels will
            show what each lost or repeated (it should be nothing).
          </p>
        </div>
      )}
      {view?.phase.kind === "starting" && (
        <div className="banner info" role="status">
          <p>Connecting to the server: {view.phase.detail}…</p>
        </div>
      )}
      {otherTabs > 0 && mode === "compare" && (
        <div className="banner warn" role="status">
          <p>
            {otherTabs === 1 ? "Another tab" : `${otherTabs} other tabs`} of Transport Lab{" "}
            {otherTabs === 1 ? "is" : "are"} open in this browser. All tabs share the browser's six HTTP/1.1
            connections to the server, and each tab's SSE stream and long poll hold two of them: with three
            tabs open, polls and publishes have to wait and the figures stop being fair. Close the other tabs,
            or use the Single view there.
          </p>
        </div>
      )}
    </>
  );
}
