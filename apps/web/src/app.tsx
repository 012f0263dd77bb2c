import type { ChannelInfo, TransportName } from "@transport-lab/protocol";
import { isValidChannelName } from "@transport-lab/protocol";
import { type FormEvent, useCallback, useEffect, useMemo, useState } from "react";
import { ChatView } from "./components/chat-view.tsx";
import { ClassView } from "./components/class-view.tsx";
import { CompareView } from "./components/compare-view.tsx";
import { Controls } from "./components/controls.tsx";
import { LearnView } from "./components/learn-view.tsx";
import { SingleView } from "./components/single-view.tsx";
import { StatusBanners, StatusPill } from "./components/status.tsx";
import { WireView } from "./components/wire-view.tsx";
import { useAdminToken } from "./hooks/use-admin-token.ts";
import { useLabConnection } from "./hooks/use-lab-connection.ts";
import { useOtherTabs } from "./hooks/use-other-tabs.ts";
import { usePolled } from "./hooks/use-polled.ts";
import { CLASS_REFRESH_MS } from "./lib/class-rates.ts";
import { buildExport, download, exportCsv, exportFileName } from "./lib/export-results.ts";
import type { LabConfig } from "./lib/lab-view.ts";
import { createServerApi } from "./lib/server-api.ts";
import {
  parseSettings,
  type SettingProblem,
  type Settings,
  serializeSettings,
  type View,
} from "./lib/settings.ts";

const TABS: readonly { readonly view: View; readonly label: string }[] = [
  { view: "compare", label: "Compare" },
  { view: "wire", label: "Wire" },
  { view: "single", label: "Single" },
  { view: "chat", label: "Chat" },
  { view: "learn", label: "Learn" },
  { view: "class", label: "Class" },
];

/** The whole page: settings from the URL, one connection to the channel, the six views. */
export function App() {
  const [initial] = useState(() => parseSettings(window.location.search));
  const [settings, setSettings] = useState<Settings>(initial.settings);
  const [problems, setProblems] = useState<readonly SettingProblem[]>(initial.problems);
  const [token, setToken] = useAdminToken();
  const [generator, setGenerator] = useState<ChannelInfo["generator"] | null>(null);
  const otherTabs = useOtherTabs();
  const api = useMemo(() => createServerApi(""), []);

  const update = useCallback((patch: Partial<Settings>) => {
    setSettings((s) => {
      const next = { ...s, ...patch };
      window.history.replaceState(null, "", `${window.location.pathname}${serializeSettings(next)}`);
      return next;
    });
  }, []);

  const mode = settings.view === "single" ? "single" : "compare";
  const config: LabConfig = {
    baseUrl: window.location.origin,
    channel: settings.channel,
    mode,
    transport: settings.transport,
    pollIntervalMs: settings.pollIntervalMs,
    longPollTimeoutMs: settings.longPollTimeoutMs,
    paused: settings.paused,
  };
  const { connection, view } = useLabConnection(config, api);

  useEffect(() => {
    connection?.setWireVisible(settings.view === "wire");
  }, [connection, settings.view]);

  useEffect(() => {
    document.documentElement.classList.toggle("large", settings.large);
  }, [settings.large]);

  const serverMetrics = usePolled(api.metrics, CLASS_REFRESH_MS, settings.view === "class");
  // Stable per channel: usePolled fetches at once when it changes, and only then.
  const loadChannel = useCallback(() => api.channel(settings.channel), [api, settings.channel]);
  const channelInfo = usePolled(loadChannel, 5000, settings.view !== "class" && settings.view !== "learn");
  useEffect(() => {
    // Until the new channel's info arrives its generator is unknown, not the previous channel's.
    const info = channelInfo.current;
    setGenerator(info !== null && info.channel === settings.channel ? info.generator : null);
  }, [channelInfo.current, settings.channel]);

  // Interval polling fills one chart bucket per poll; draw through the quiet buckets in between.
  const bridgeMs = Math.max(2000, settings.pollIntervalMs + 500);

  const togglePause = (t: TransportName) => {
    const paused = settings.paused.includes(t)
      ? settings.paused.filter((p) => p !== t)
      : [...settings.paused, t];
    update({ paused });
  };

  const exportResults = async (format: "json" | "csv") => {
    if (connection === null) return;
    const figures = connection.exportFigures();
    const at = new Date();
    if (format === "csv") {
      download(exportFileName(settings.channel, at, "csv"), exportCsv(figures), "text/csv");
      return;
    }
    const server = await api.metrics().catch(() => null);
    const doc = buildExport(figures, {
      exportedAt: at,
      page: window.location.href,
      userAgent: navigator.userAgent,
      settings,
      mode,
      startCursor: view?.startCursor,
      server,
    });
    download(
      exportFileName(settings.channel, at, "json"),
      `${JSON.stringify(doc, null, 2)}\n`,
      "application/json",
    );
  };

  const controls = view !== null && (
    <Controls
      settings={settings}
      update={update}
      token={token}
      setToken={setToken}
      generator={generator}
      onGenerator={async (rate, payloadBytes) => {
        const state = await api.setGenerator(settings.channel, rate, payloadBytes, token);
        setGenerator({ rate: state.rate, payloadBytes: state.payloadBytes, running: state.running });
      }}
      onDisconnect={() => api.disconnect(settings.channel, token)}
      onReset={() => connection?.resetMetrics()}
      onExport={(format) => void exportResults(format)}
      folded={settings.large}
    />
  );

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
          {view !== null && <StatusPill view={view} />}
          <button
            type="button"
            aria-pressed={settings.large}
            onClick={() => update({ large: !settings.large })}
          >
            Large type
          </button>
        </div>
      </header>
      <main id="main">
        <StatusBanners
          view={view}
          problems={problems}
          onDismissProblems={() => {
            setProblems([]);
            update({});
          }}
          otherTabs={otherTabs}
          mode={mode}
        />
        {view !== null &&
          settings.view !== "learn" &&
          settings.view !== "class" &&
          settings.view !== "chat" &&
          controls}
        {view !== null && settings.view === "compare" && (
          <CompareView
            view={view}
            large={settings.large}
            bridgeMs={bridgeMs}
            onTogglePause={togglePause}
            onRetry={(t) => connection?.retry(t)}
          />
        )}
        {view !== null && settings.view === "wire" && <WireView view={view} />}
        {view !== null && settings.view === "single" && (
          <SingleView
            view={view}
            large={settings.large}
            bridgeMs={bridgeMs}
            onSwitch={(t) => {
              connection?.switchTransport(t);
              update({ transport: t });
            }}
            onRetry={(t) => connection?.retry(t)}
          />
        )}
        {view !== null && settings.view === "chat" && connection !== null && (
          <ChatView
            view={view}
            via={settings.transport}
            setVia={(transport) => update({ transport })}
            publish={(data, via) => connection.publish(data, via)}
          />
        )}
        {view !== null && settings.view === "learn" && (
          <LearnView view={view} settings={settings} otherTabs={otherTabs} />
        )}
        {settings.view === "class" && <ClassView metrics={serverMetrics} />}
      </main>
      <footer>
        Figures are measured by this browser: latency = receive time − server time stamp − one clock offset
        measured at connect (its uncertainty is the “Clock ±” figure). Wire bytes are measured where the
        browser exposes them and computed from the protocol elsewhere, as tagged.
      </footer>
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
    <form onSubmit={submit} style={{ display: "flex", gap: "0.3rem", alignItems: "center" }}>
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
