import { useNow } from "../hooks/use-now.ts";
import { formatClock, formatDuration } from "../lib/format.ts";
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
  /** Opens the Learn view at its "six connections" section. */
  readonly onLearnConnections: () => void;
  /** The teacher token saved in this browser is refused by the server. */
  readonly wrongToken: boolean;
  readonly onForgetToken: () => void;
}

/** Everything the user must know before reading a figure: bad link settings, no server, too many tabs. */
export function StatusBanners({
  view,
  problems,
  onDismissProblems,
  otherTabs,
  mode,
  onLearnConnections,
  wrongToken,
  onForgetToken,
}: StatusBannersProps) {
  const phase = view?.phase;
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
      {wrongToken && (
        <div className="banner error" role="alert">
          <h2>The teacher token saved in this browser is wrong</h2>
          <p>
            The server refused it, so this page shows the student view. A server that makes its own token
            makes a new one every time it starts: open the new teacher link it printed, or paste its token
            under Controls → Teacher.
          </p>
          <div className="banner-actions">
            <button type="button" onClick={onForgetToken}>
              Forget the wrong token
            </button>
          </div>
        </div>
      )}
      {phase?.kind === "unreachable" && (
        <div className="banner error" role="alert">
          <h2>Server unreachable</h2>
          <p>
            No answer from the server since {formatClock(phase.since)} ({phase.detail}). The page keeps
            trying; when the server is back every transport resumes from its cursor, and the panels will show
            what each lost or repeated (it should be nothing).
          </p>
        </div>
      )}
      {phase?.kind === "starting" && phase.stalledSince === null && (
        <div className="banner info" role="status">
          <p>Connecting to the server: {phase.detail}…</p>
        </div>
      )}
      {phase?.kind === "starting" && phase.stalledSince !== null && (
        <StalledBanner since={phase.stalledSince} detail={phase.detail} onLearn={onLearnConnections} />
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

/** A start that got no answer for seconds: what it almost always is, and what to do. */
function StalledBanner({
  since,
  detail,
  onLearn,
}: {
  readonly since: number;
  readonly detail: string;
  readonly onLearn: () => void;
}) {
  const now = useNow(1000);
  return (
    <div className="banner warn" role="alert">
      <h2>This tab cannot get a connection to the server</h2>
      <p>
        It has waited {formatDuration((now - since) / 1000)} for one answer ({detail}). That is almost always
        the browser's connection budget: over HTTP/1.1 a browser opens at most six connections to one server,
        shared by all its tabs, and every Transport Lab tab in the compare view holds two of them for as long
        as it is open (its event stream and its long poll). With three such tabs open, a fourth one gets no
        connection and waits without an error. Close a tab, or switch the others to the Single view; this one
        starts by itself as soon as a connection frees up.
      </p>
      <div className="banner-actions">
        <button type="button" onClick={onLearn}>
          Learn: six connections per server
        </button>
      </div>
    </div>
  );
}
