import type { ClassRoster, LinkInfo, ServerMetrics } from "@transport-lab/protocol";
import type { ReactNode } from "react";
import type { Polled } from "../hooks/use-polled.ts";
import type { LabConnection } from "../lib/lab-connection.ts";
import type { LabView } from "../lib/lab-view.ts";
import type { LossContext } from "../lib/lane-loss.ts";
import type { LaneName } from "../lib/lane-names.ts";
import type { SavedRun } from "../lib/saved-runs.ts";
import type { Settings } from "../lib/settings.ts";
import { ChatView } from "./chat-view.tsx";
import { ClassView } from "./class-view.tsx";
import { CompareView } from "./compare-view.tsx";
import { LearnView } from "./learn-view.tsx";
import { LessonView } from "./lesson-view.tsx";
import { RunsView } from "./runs-view.tsx";
import { SingleView } from "./single-view.tsx";
import { WireView } from "./wire-view.tsx";

/** Everything the views need; each takes its part. */
export interface MainViewProps {
  readonly settings: Settings;
  readonly update: (patch: Partial<Settings>) => void;
  readonly view: LabView | null;
  readonly connection: LabConnection | null;
  readonly loss: LossContext;
  readonly now: number;
  readonly otherTabs: number;
  readonly metrics: Polled<ServerMetrics>;
  readonly roster: Polled<ClassRoster>;
  readonly clientId: string;
  readonly runs: {
    readonly list: readonly SavedRun[];
    readonly stored: boolean;
    readonly remove: (id: string) => void;
  };
  readonly lesson: { readonly drives: boolean; readonly applied: string | null };
  /** The network in use (undefined: none) and the server's list (null: not known). */
  readonly network: { readonly link: LinkInfo | undefined; readonly links: readonly LinkInfo[] | null };
  readonly onTogglePause: (transport: LaneName) => void;
  readonly onDisconnect: () => Promise<number>;
}

/** The view the settings name, the one place that switches on it. */
export function MainView(p: MainViewProps): ReactNode {
  const { settings, view, connection } = p;
  // Interval polling fills one chart bucket per poll; draw through the quiet buckets in between.
  const bridgeMs = Math.max(2000, settings.pollIntervalMs + 500);
  const retry = (t: LaneName) => connection?.retry(t);
  switch (settings.view) {
    case "class":
      return <ClassView metrics={p.metrics} roster={p.roster} ownId={p.clientId} />;
    case "runs":
      return <RunsView runs={p.runs.list} stored={p.runs.stored} onRemove={p.runs.remove} />;
    default:
      break;
  }
  if (view === null) return null;
  switch (settings.view) {
    case "compare":
      return (
        <CompareView
          view={view}
          large={settings.large}
          bridgeMs={bridgeMs}
          loss={p.loss}
          now={p.now}
          socketio={settings.socketio}
          onToggleSocketIo={() => p.update({ socketio: !settings.socketio })}
          onTogglePause={p.onTogglePause}
          onRetry={retry}
        />
      );
    case "wire":
      return <WireView view={view} clients={settings.wire} onClients={(wire) => p.update({ wire })} />;
    case "single":
      return (
        <SingleView
          view={view}
          large={settings.large}
          bridgeMs={bridgeMs}
          loss={p.loss}
          now={p.now}
          onSwitch={(t) => {
            connection?.switchTransport(t);
            p.update({ transport: t });
          }}
          onRetry={retry}
          onRestartAuto={() => connection?.restartAuto()}
          onWire={() => p.update({ view: "wire", wire: "single" })}
        />
      );
    case "chat":
      return connection === null ? null : (
        <ChatView
          view={view}
          via={settings.transport === "auto" ? "ws" : settings.transport}
          setVia={(transport) => p.update({ transport })}
          publish={(data, via) => connection.publish(data, via)}
        />
      );
    case "learn":
      return (
        <LearnView
          view={view}
          settings={settings}
          otherTabs={p.otherTabs}
          link={p.network.link}
          links={p.network.links}
        />
      );
    case "lesson":
      return (
        <LessonView
          view={view}
          step={settings.step - 1}
          onStep={(i) => p.update({ step: i + 1 })}
          drives={p.lesson.drives}
          applied={p.lesson.applied}
          roster={p.roster}
          metrics={p.metrics}
          onDisconnect={p.onDisconnect}
          bridgeMs={bridgeMs}
          now={p.now}
        />
      );
    default: {
      const never: never = settings.view;
      return never;
    }
  }
}
