import { isValidChannelName } from "@transport-lab/protocol";
import { type FormEvent, useCallback, useEffect, useMemo, useState } from "react";
import { BUILD_ID } from "./build-info.ts";
import { Controls } from "./components/controls.tsx";
import { MainView } from "./components/main-view.tsx";
import { NetworkNote, NetworkPicker } from "./components/network-picker.tsx";
import { StatusBanners, StatusPill } from "./components/status.tsx";
import { generatorFigures, runningRate, useGenerator } from "./hooks/use-generator.ts";
import { useLabConnection } from "./hooks/use-lab-connection.ts";
import { useLesson } from "./hooks/use-lesson.ts";
import { useNetwork } from "./hooks/use-network.ts";
import { useNow } from "./hooks/use-now.ts";
import { useOtherTabs } from "./hooks/use-other-tabs.ts";
import { usePolled } from "./hooks/use-polled.ts";
import { useRecorder } from "./hooks/use-recorder.ts";
import { useSavedRuns } from "./hooks/use-saved-runs.ts";
import { useTeacher } from "./hooks/use-teacher.ts";
import { CLASS_REFRESH_MS } from "./lib/class-rates.ts";
import { announcingClientFactory, anonymousClientId } from "./lib/client-id.ts";
import { buildExport, download, exportCsv, exportFileName } from "./lib/export-results.ts";
import type { LabConfig } from "./lib/lab-view.ts";
import { lossRisks } from "./lib/loss-risk.ts";
import { pageBase, pageLink } from "./lib/page-base.ts";
import { runLabel, type SavedRun } from "./lib/saved-runs.ts";
import { createServerApi } from "./lib/server-api.ts";
import {
  parseSettings,
  type SettingProblem,
  type Settings,
  serializeSettings,
  type View,
} from "./lib/settings.ts";
import { drivesClass } from "./lib/teacher-token.ts";

/** Opened under `/link/<name>/`, the page talks to the server through that link (page-base.ts). */
const PAGE_BASE = pageBase(window.location.pathname);
/** …and, while no other network is chosen, that link is the network its figures are labelled with. */
const PAGE_LINK = pageLink(window.location.pathname);

const TABS: readonly { readonly view: View; readonly label: string }[] = [
  { view: "compare", label: "Compare" },
  { view: "wire", label: "Wire" },
  { view: "single", label: "Single" },
  { view: "chat", label: "Chat" },
  { view: "learn", label: "Learn" },
  { view: "class", label: "Class" },
  { view: "lesson", label: "Lesson" },
  { view: "runs", label: "Runs" },
];

/** Views that show the controls box (the lesson has its own, the others need none). */
const WITH_CONTROLS: ReadonlySet<View> = new Set(["compare", "wire", "single"]);

/** The whole page: settings from the URL, one connection to the channel, the views. */
export function App() {
  const [initial] = useState(() => parseSettings(window.location.search));
  const [settings, setSettings] = useState<Settings>(initial.settings);
  const [problems, setProblems] = useState<readonly SettingProblem[]>(initial.problems);
  const api = useMemo(() => createServerApi(PAGE_BASE), []);
  const teacher = useTeacher(api);
  const drives = drivesClass(teacher.role);
  const otherTabs = useOtherTabs();
  const [clientId] = useState(() => anonymousClientId());
  const factory = useMemo(() => announcingClientFactory(clientId), [clientId]);
  const [narrow] = useState(() => window.matchMedia?.("(max-width: 640px)").matches ?? false);

  const update = useCallback((patch: Partial<Settings>) => {
    setSettings((s) => {
      const next = { ...s, ...patch };
      const { pathname, hash } = window.location;
      window.history.replaceState(null, "", `${pathname}${serializeSettings(next)}${hash}`);
      return next;
    });
  }, []);

  const {
    links,
    network,
    link,
    problems: shownProblems,
  } = useNetwork(api, settings.network || PAGE_LINK, problems);

  // The wire view can watch the single view's client (Auto's fallback on the wire) or the compare lanes.
  const mode =
    settings.view === "single" || (settings.view === "wire" && settings.wire === "single")
      ? "single"
      : "compare";
  const config: LabConfig = {
    baseUrl: `${window.location.origin}${PAGE_BASE}`,
    network,
    channel: settings.channel,
    mode,
    transport: settings.transport,
    pollIntervalMs: settings.pollIntervalMs,
    longPollTimeoutMs: settings.longPollTimeoutMs,
    paused: settings.paused,
    socketio: settings.socketio,
    socketioWebsocketOnly: settings.socketioWebsocketOnly,
  };
  const { connection, view } = useLabConnection(config, api, factory);
  const now = useNow(500, view !== null);

  useEffect(() => {
    connection?.setWireVisible(settings.view === "wire");
  }, [connection, settings.view]);

  useEffect(() => {
    document.documentElement.classList.toggle("large", settings.large);
    // Lesson mode keeps the header to one small line: the room reads the figures, not the tabs.
    document.documentElement.classList.toggle("lesson", settings.view === "lesson");
  }, [settings.large, settings.view]);

  const roomView = settings.view === "class" || settings.view === "lesson";
  const serverMetrics = usePolled(api.metrics, CLASS_REFRESH_MS, roomView);
  // The roster also carries the server's HISTORY, which the loss warnings need on every view.
  const roster = usePolled(api.classRoster, roomView ? CLASS_REFRESH_MS : 30_000, true);
  const historySize = roster.current?.historySize ?? null;
  const generator = useGenerator(api, settings.channel, !roomView || settings.view === "lesson");

  const rate = runningRate(generator.status) ?? settings.rate;
  const risks = historySize === null ? [] : lossRisks(rate, settings.pollIntervalMs, historySize);
  const loss = { rate: runningRate(generator.status), pollIntervalMs: settings.pollIntervalMs, historySize };

  const runs = useSavedRuns();
  const recorder = useRecorder(connection, (figures, window) => {
    const gen = generatorFigures(generator.status);
    const run: SavedRun = {
      kind: "transport-lab/run",
      version: 1,
      id: crypto.randomUUID(),
      label: runLabel(mode, window.durationMs, gen, network),
      startedAt: new Date(window.startedAt).toISOString(),
      durationMs: window.durationMs,
      mode,
      settings,
      network: link,
      generator: gen,
      server: { build: BUILD_ID, epoch: view?.startCursor?.split(":")[0] ?? null, historySize },
      userAgent: navigator.userAgent,
      transports: figures,
    };
    runs.add(run);
  });

  const disconnect = async () => {
    connection?.markCut();
    return api.disconnect(settings.channel, teacher.token);
  };

  const lesson = useLesson({
    active: settings.view === "lesson",
    step: settings.step,
    drives,
    connection,
    update,
    setGenerator: (r, p) => generator.set(r, p, teacher.token),
  });

  const togglePause = (t: (typeof settings.paused)[number]) => {
    const paused = settings.paused.includes(t)
      ? settings.paused.filter((p) => p !== t)
      : [...settings.paused, t];
    update({ paused });
  };

  const exportResults = async (format: "json" | "csv") => {
    if (connection === null) return;
    const figures = connection.exportFigures();
    const at = new Date();
    const gen = generatorFigures(generator.status);
    if (format === "csv") {
      download(
        exportFileName(settings.channel, at, "csv"),
        exportCsv(figures, { settings: { ...settings, network }, mode, generator: gen }),
        "text/csv",
      );
      return;
    }
    const server = await api.metrics().catch(() => null);
    const doc = buildExport(figures, {
      exportedAt: at,
      page: window.location.href,
      userAgent: navigator.userAgent,
      settings: { ...settings, network },
      network: link,
      mode,
      generator: gen,
      startCursor: view?.startCursor,
      server,
    });
    download(
      exportFileName(settings.channel, at, "json"),
      `${JSON.stringify(doc, null, 2)}\n`,
      "application/json",
    );
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <h1>
          Transport Lab <span>· {settings.channel}</span>
        </h1>
        <nav className="tabs" aria-label="Views">
          {TABS.map((tab) => (
            <button
              key={tab.view}
              type="button"
              aria-current={settings.view === tab.view ? "page" : undefined}
              onClick={() => update({ view: tab.view })}
            >
              {tab.label}
            </button>
          ))}
        </nav>
        <div className="header-end">
          <ChannelForm channel={settings.channel} onChange={(channel) => update({ channel })} />
          <NetworkPicker links={links} network={network} onChange={(n) => update({ network: n })} />
          {view !== null && <StatusPill view={view} />}
          <span className={`role-pill role-${teacher.role.kind}`} title="What this page may do">
            {teacher.role.kind === "teacher"
              ? "Teacher"
              : teacher.role.kind === "student"
                ? "Student"
                : teacher.role.kind === "wrong-token"
                  ? "Wrong token"
                  : drives
                    ? "Open server"
                    : "…"}
          </span>
          <button
            type="button"
            aria-pressed={settings.large}
            onClick={() => update({ large: !settings.large })}
          >
            Large type
          </button>
        </div>
      </header>
      <main id="main" className={`view-${settings.view}`}>
        {settings.view !== "lesson" && (
          <NetworkNote
            link={link ?? undefined}
            onLearn={() => {
              update({ view: "learn" });
              requestAnimationFrame(() => document.getElementById("network-title")?.scrollIntoView());
            }}
          />
        )}
        <StatusBanners
          view={view}
          problems={shownProblems}
          onDismissProblems={() => {
            setProblems([]);
            update({});
          }}
          otherTabs={otherTabs}
          mode={mode}
          wrongToken={teacher.role.kind === "wrong-token"}
          onForgetToken={() => teacher.setToken("")}
          onLearnConnections={() => {
            update({ view: "learn" });
            requestAnimationFrame(() => document.getElementById("budget-title")?.scrollIntoView());
          }}
        />
        {view !== null && WITH_CONTROLS.has(settings.view) && (
          <Controls
            settings={settings}
            update={update}
            teacher={teacher}
            generator={generator.status}
            risks={risks}
            recorder={recorder}
            onGenerator={(r, p) => generator.set(r, p, teacher.token)}
            onDisconnect={disconnect}
            onReset={() => connection?.resetMetrics()}
            onExport={(format) => void exportResults(format)}
            folded={settings.large || narrow}
          />
        )}
        <MainView
          settings={settings}
          update={update}
          view={view}
          connection={connection}
          loss={loss}
          now={now}
          otherTabs={otherTabs}
          metrics={serverMetrics}
          roster={roster}
          clientId={clientId}
          runs={{ list: runs.runs, stored: runs.stored, remove: runs.remove }}
          lesson={{ drives, applied: lesson.applied }}
          network={{ link: link ?? undefined, links }}
          onTogglePause={togglePause}
          onDisconnect={disconnect}
        />
      </main>
      {settings.view !== "lesson" && (
        <footer>
          Figures are measured by this browser: latency = receive time − server time stamp − a clock offset
          measured at connect and kept up to date (one for the four transports; the Socket.IO lane samples its
          own over its connection), its uncertainty the “Clock ±” figure; a latency below it shows as “&lt;
          ±…”. Wire bytes are measured where the browser exposes them and computed from the protocol
          elsewhere, as tagged.
        </footer>
      )}
    </>
  );
}

/** Channel name field: applies on submit, refuses names the server would refuse. */
function ChannelForm({
  channel,
  onChange,
}: {
  readonly channel: string;
  readonly onChange: (c: string) => void;
}) {
  const [draft, setDraft] = useState(channel);
  useEffect(() => setDraft(channel), [channel]);
  const valid = isValidChannelName(draft);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid && draft !== channel) onChange(draft);
  };
  return (
    <form onSubmit={submit} className="channel-form">
      <label htmlFor="channel-name" className="note">
        Channel
      </label>
      <input
        id="channel-name"
        value={draft}
        size={10}
        aria-invalid={!valid}
        aria-describedby={valid ? undefined : "channel-error"}
        onChange={(e) => setDraft(e.target.value.trim())}
      />
      <button type="submit" disabled={!valid || draft === channel}>
        Join
      </button>
      {!valid && (
        <span id="channel-error" className="note error">
          a–z, 0–9 and dashes
        </span>
      )}
    </form>
  );
}
