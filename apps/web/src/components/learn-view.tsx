import { type LinkInfo, TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";
import type { CSSProperties, ReactNode } from "react";
import {
  formatBytes,
  formatCount,
  formatLatency,
  formatMs,
  formatRatio,
  formatShare,
} from "../lib/format.ts";
import type { LabView, LaneView } from "../lib/lab-view.ts";
import type { Settings } from "../lib/settings.ts";
import { LESSONS, TRANSPORT_STYLE } from "../lib/transport-info.ts";
import { ConnectionDemo } from "./connection-demo.tsx";
import { NetworkLesson } from "./network-lesson.tsx";
import { SocketIoLesson } from "./socketio-lesson.tsx";

/** Lesson text with `backticks` shown as code. */
function Inline({ text }: { readonly text: string }) {
  return (
    <>
      {text
        .split("`")
        .map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <span key={i}>{part}</span>))}
    </>
  );
}

/** The sentence under a lesson that ties it to what this page measures right now. */
function LiveFigures({
  lane,
  settings,
}: {
  readonly lane: LaneView | undefined;
  readonly settings: Settings;
}) {
  const m = lane?.figures?.metrics;
  if (lane === undefined || m === undefined || lane.paused) {
    return (
      <p>
        Not connected right now{lane?.paused ? " (paused)" : ""}: resume it in the compare view to see its
        figures here.
      </p>
    );
  }
  const responses = lane.figures?.metrics.responses ?? 0;
  const base: ReactNode = (
    <>
      <strong>{formatCount(m.messages)}</strong> messages cost <strong>{formatCount(m.httpRequests)}</strong>{" "}
      HTTP request{m.httpRequests === 1 ? "" : "s"} ({formatRatio(m.requestsPerMessage)} per message) and{" "}
      <strong>{formatBytes(m.bytesPerMessage)}</strong> on the wire per message. Half the messages arrived
      within <strong>{formatLatency(m.latency.p50, m.clock?.uncertainty)}</strong>, 99% within{" "}
      <strong>{formatLatency(m.latency.p99, m.clock?.uncertainty)}</strong>.
    </>
  );
  switch (lane.transport) {
    case "ws":
    case "sse":
    case "socketio":
      return (
        <p>
          {base} Reconnects so far: {formatCount(m.reconnects)}.
        </p>
      );
    case "longPoll":
      return (
        <p>
          {base} Of its {formatCount(responses)} answers, {formatCount(m.emptyResponses)} (
          {formatShare(m.emptyResponses, responses)}) were empty: the {formatMs(settings.longPollTimeoutMs)}{" "}
          timeout passed with no news.
        </p>
      );
    case "poll":
      return (
        <p>
          {base} Polling every {formatMs(settings.pollIntervalMs)}, a message waits for the next poll: at most{" "}
          {formatMs(settings.pollIntervalMs)} plus the round trip, and {formatMs(settings.pollIntervalMs / 2)}{" "}
          on average for messages that arrive at random moments. Messages that come at the poll's own pace (1
          msg/s with a 1 s interval) all land at the same point between two polls and all wait about as long,
          so the p50 can sit anywhere from 0 to the whole interval; and since the interval runs from one
          answer to the next request, a big answer's own time adds to every cycle.{" "}
          {formatCount(m.emptyResponses)} of {formatCount(responses)} answers (
          {formatShare(m.emptyResponses, responses)}) said “nothing new”.
        </p>
      );
    default: {
      const never: never = lane.transport;
      return never;
    }
  }
}

function Lesson({
  transport,
  view,
  settings,
}: {
  readonly transport: TransportName;
  readonly view: LabView;
  readonly settings: Settings;
}) {
  const lesson = LESSONS[transport];
  const style = TRANSPORT_STYLE[transport];
  const lane = view.lanes.find((l) => l.transport === transport);
  return (
    <article
      className="card learn-card"
      style={{ "--transport-color": style.color, borderTop: `0.3rem solid ${style.color}` } as CSSProperties}
      aria-labelledby={`learn-${transport}`}
    >
      <h2 id={`learn-${transport}`}>{style.label}</h2>
      <h3>How it works</h3>
      <p>
        <Inline text={lesson.how} />
      </p>
      <h3>What it costs</h3>
      <ul>
        {lesson.costs.map((c) => (
          <li key={c}>
            <Inline text={c} />
          </li>
        ))}
      </ul>
      <h3>Use it when</h3>
      <p>{lesson.useWhen}</p>
      <h3>Not when</h3>
      <p>{lesson.avoidWhen}</p>
      <div className="live-box" aria-live="off">
        <h3 style={{ marginTop: 0 }}>On this page, right now</h3>
        <LiveFigures lane={lane} settings={settings} />
      </div>
    </article>
  );
}

/** The browser's connection budget, and what this page spends of it. */
function Budget({ view, otherTabs }: { readonly view: LabView; readonly otherTabs: number }) {
  const held = view.lanes
    .filter((l) => !l.paused)
    .reduce((n, l) => n + TRANSPORT_STYLE[l.transport].heldConnections, 0);
  return (
    <section className="card prose" aria-labelledby="budget-title" style={{ marginBottom: "0.8rem" }}>
      <h2 id="budget-title">Six connections per server</h2>
      <p>
        Over HTTP/1.1 a browser opens at most six connections to one server, shared by every tab. An SSE
        stream and a held long poll each keep one busy for as long as they live; an interval poll and a
        publish borrow one for a moment; WebSockets are counted separately and take none. This page holds{" "}
        <strong>{held}</strong> of the six and leaves {6 - held} for polls, publishes and the figures it
        fetches.
        {otherTabs > 0 &&
          ` ${otherTabs} other tab${otherTabs === 1 ? " is" : "s are"} open on this server and hold${otherTabs === 1 ? "s its" : " their"} own: with three tabs, the held requests use all six and every poll waits.`}
      </p>
      <p>
        A tab that finds all six taken does not get an error: its requests wait. That is what a fourth tab of
        this page shows as “Connecting… measuring the clock offset” that never ends. Close a tab, or use the
        Single view in the others (one transport, at most one held connection).
      </p>
      <p className="note">
        HTTP/2 and HTTP/3 multiplex every request over one connection and lift this limit (they need TLS,
        which a classroom server on a LAN address usually has not).
      </p>
      <ConnectionDemo channel={view.channel} heldByPage={held} />
    </section>
  );
}

/** The teaching side: what each transport does, costs and is for, next to its live figures. */
export function LearnView({
  view,
  settings,
  otherTabs,
  link,
  links,
}: {
  readonly view: LabView;
  readonly settings: Settings;
  readonly otherTabs: number;
  /** The network every lane goes through (undefined: none), and every one the server offers. */
  readonly link: LinkInfo | undefined;
  readonly links: readonly LinkInfo[] | null;
}) {
  return (
    <>
      <NetworkLesson view={view} link={link} links={links} pollIntervalMs={settings.pollIntervalMs} />
      <Budget view={view} otherTabs={otherTabs} />
      <div className="learn-grid">
        {TRANSPORT_NAMES.map((t) => (
          <Lesson key={t} transport={t} view={view} settings={settings} />
        ))}
        <SocketIoLesson />
      </div>
    </>
  );
}
