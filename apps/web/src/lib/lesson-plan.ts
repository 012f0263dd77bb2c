import type { ClassRoster, TransportName } from "@transport-lab/protocol";
import type { TransportLoad } from "./class-rates.ts";
import { formatBytes, formatCount, formatLatency, formatRate, formatRatio, formatShare } from "./format.ts";
import type { LaneView } from "./lab-view.ts";
import { laneLost } from "./lane-loss.ts";
import { classifyMessage } from "./message-kind.ts";

/** What a headline figure is computed from. */
export interface HeadlineInput {
  readonly lane: LaneView | undefined;
  readonly transport: TransportName;
  readonly roster: ClassRoster | null;
  readonly load: TransportLoad | undefined;
}

/** One of the three big figures a step shows per transport. */
export interface Headline {
  readonly label: string;
  readonly value: (input: HeadlineInput) => string;
}

/** The three groups of the cost chart. */
export type CostBars = "requests" | "bytes" | "empty";

/** What a step's charts area shows. */
export type StepChart = "roster" | "latency" | "latency+cost" | "cost" | "strips";

/** One step of the 15-minute lesson. */
export interface LessonStep {
  readonly minutes: string;
  readonly title: string;
  /** What the class does. */
  readonly act: string;
  /** What to watch, in one or two sentences. */
  readonly watch: string;
  /** What entering the step sets: this page's poll interval, and (on the teacher's page) the generator. */
  readonly sets: {
    readonly pollIntervalMs: number;
    readonly generator: { readonly rate: number; readonly payloadBytes: number } | null;
  };
  readonly headlines: readonly [Headline, Headline, Headline];
  readonly chart: StepChart;
  /** Which cost bars the step shows (default requests and bytes per message). */
  readonly cost?: readonly CostBars[];
  /** One sentence under each chart: what to look at. */
  readonly captions: readonly string[];
  /** A button the step offers the teacher. */
  readonly action?: "disconnect";
}

const m = (i: HeadlineInput) => i.lane?.figures?.metrics;
const u = (i: HeadlineInput) => m(i)?.clock?.uncertainty;
const isStream = (t: TransportName) => t === "ws" || t === "sse";

const p50: Headline = { label: "half arrive within", value: (i) => formatLatency(m(i)?.latency.p50, u(i)) };
const requestsPerMessage: Headline = {
  label: "requests per message",
  value: (i) => formatRatio(m(i)?.requestsPerMessage),
};
const bytesPerMessage: Headline = {
  label: "bytes per message",
  value: (i) => formatBytes(m(i)?.bytesPerMessage),
};
const lost: Headline = {
  label: "lost",
  value: (i) => (i.lane?.figures == null ? "–" : formatCount(laneLost(i.lane))),
};

/** The README's 15-minute lesson as steps, each setting what it needs and pointing at what to watch. */
export const LESSON: readonly LessonStep[] = [
  {
    minutes: "0–2",
    title: "Everyone joins",
    act: "Everyone opens the link on the board, in one tab.",
    watch:
      "The room fills up: every page holds a WebSocket, an event stream and a long poll open on the server; interval polling holds nothing and only shows as requests.",
    sets: { pollIntervalMs: 1000, generator: { rate: 0, payloadBytes: 64 } },
    headlines: [
      { label: "pages on it", value: (i) => formatCount(i.roster?.transports[i.transport].clients) },
      {
        label: "held open now",
        value: (i) => (i.transport === "poll" ? "none" : formatCount(i.roster?.transports[i.transport].held)),
      },
      { label: "requests per second", value: (i) => formatRate(i.load?.requestsPerSecond) },
    ],
    chart: "roster",
    captions: ["Each page counts once per transport it uses; a page that closes drops out within 15 s."],
  },
  {
    minutes: "2–4",
    title: "One line each",
    act: "Everyone sends one chat line (Chat view), each over a different transport.",
    watch:
      "Every line arrives four times, once per transport. Interval polling's copy comes last, up to a second later.",
    sets: { pollIntervalMs: 1000, generator: { rate: 0, payloadBytes: 64 } },
    headlines: [
      {
        label: "last line",
        value: (i) => {
          const line = i.lane?.chat[0];
          const kind = line === undefined ? null : classifyMessage(line.data);
          return kind?.kind === "chat" ? `${kind.name || "anonymous"}: ${kind.text}`.slice(0, 28) : "–";
        },
      },
      { label: "it took", value: (i) => formatLatency(i.lane?.chat[0]?.latency, u(i)) },
      { label: "lines received", value: (i) => formatCount(i.lane?.chat.length) },
    ],
    chart: "latency",
    captions: [
      "Each line is one point per transport: the streams at the bottom, interval polling up to a second above.",
    ],
  },
  {
    minutes: "4–7",
    title: "The same stream, four ways",
    act: "The generator sends 10 messages a second of 64 bytes (this step started it).",
    watch:
      "Latency: WebSocket and SSE near 0, long polling a round trip above, interval polling around half its interval. Cost: long polling pays a whole request per message.",
    sets: { pollIntervalMs: 1000, generator: { rate: 10, payloadBytes: 64 } },
    headlines: [p50, requestsPerMessage, bytesPerMessage],
    chart: "latency+cost",
    cost: ["requests"],
    captions: [
      "Interval polling's line sits about half a poll interval up; the streams stay at the bottom.",
      "Requests per message: the streams paid one request for the whole session, long polling one per message.",
    ],
  },
  {
    minutes: "7–9",
    title: "Nothing to say",
    act: "The generator is stopped (this step stopped it). On a laptop, open the Wire view.",
    watch:
      "With nothing new, interval polling still asks every second and is told “nothing new”; long polling waits until its timeout; the streams send nothing at all.",
    sets: { pollIntervalMs: 1000, generator: { rate: 0, payloadBytes: 64 } },
    headlines: [
      { label: "HTTP requests", value: (i) => formatCount(m(i)?.httpRequests) },
      {
        label: "empty answers",
        value: (i) => (isStream(i.transport) ? "a stream: none" : formatCount(m(i)?.emptyResponses)),
      },
      { label: "wire bytes out", value: (i) => formatBytes(m(i)?.bytesOut.bytes) },
    ],
    chart: "cost",
    cost: ["requests", "empty"],
    captions: [
      "Empty answers, of all answers: interval polling's share climbs towards 100% while the channel is quiet.",
    ],
  },
  {
    minutes: "9–11",
    title: "Faster",
    act: "The generator sends 500 messages a second (this step set it).",
    watch:
      "Long polling's answers now carry several messages each, so its requests per message drops below 1; interval polling's answers carry hundreds.",
    sets: { pollIntervalMs: 1000, generator: { rate: 500, payloadBytes: 64 } },
    headlines: [
      p50,
      requestsPerMessage,
      {
        label: "messages per answer",
        value: (i) => {
          const answers = i.lane?.figures?.metrics.responses ?? 0;
          if (isStream(i.transport)) return "a stream";
          const msgs = m(i)?.messages ?? 0;
          return answers === 0 ? "–" : formatRatio(msgs / answers);
        },
      },
    ],
    chart: "latency+cost",
    cost: ["requests"],
    captions: [
      "All four keep up at 500 msg/s; interval polling is still half an interval late.",
      "Long polling's requests per message falls below 1: one answer, several messages.",
    ],
  },
  {
    minutes: "11–13",
    title: "Disconnect everyone",
    act: "Press “Disconnect everyone”: the server cuts every connection of the channel, as a network fault would.",
    watch:
      "Each strip keeps the last minute: a drop (▼), then the resume (▲) a moment later, from the cursor. Interval polling holds nothing between polls: nothing to cut.",
    sets: { pollIntervalMs: 1000, generator: { rate: 10, payloadBytes: 64 } },
    headlines: [
      { label: "reconnects", value: (i) => formatCount(m(i)?.reconnects) },
      {
        label: "gaps / duplicates",
        value: (i) => (m(i) === undefined ? "–" : `${m(i)?.gaps} / ${m(i)?.duplicates}`),
      },
      lost,
    ],
    chart: "strips",
    captions: ["Gaps, duplicates and losses stay at 0: every transport resumes from its cursor."],
    action: "disconnect",
  },
  {
    minutes: "13–14",
    title: "Too slow to keep up",
    act: "The generator sends 200 messages a second and this page polls only every 10 s (this step set both).",
    watch:
      "The server keeps the last 1,000 messages of a channel: 5 s at 200 msg/s. Interval polling asks every 10 s, so half of what it should get is gone when it asks, and the page counts it as lost instead of hiding it.",
    sets: { pollIntervalMs: 10_000, generator: { rate: 200, payloadBytes: 64 } },
    headlines: [
      { label: "messages", value: (i) => formatCount(m(i)?.messages) },
      lost,
      { label: "resets", value: (i) => formatCount(m(i)?.resets) },
    ],
    chart: "latency",
    captions: [
      "Interval polling's line jumps with each 10 s poll; the streams and long polling miss nothing.",
    ],
  },
  {
    minutes: "14–15",
    title: "When to use which",
    act: "Open Learn on a laptop, or export the figures (JSON or CSV) with the settings they were measured under.",
    watch:
      "The streams win on latency and cost per message; polling works through any proxy. In the Single view, switching transport loses and repeats nothing.",
    sets: { pollIntervalMs: 1000, generator: { rate: 10, payloadBytes: 64 } },
    headlines: [
      p50,
      requestsPerMessage,
      {
        label: "empty answers",
        value: (i) => {
          const answers = i.lane?.figures?.metrics.responses ?? 0;
          return isStream(i.transport) ? "a stream: none" : formatShare(m(i)?.emptyResponses ?? 0, answers);
        },
      },
    ],
    chart: "latency+cost",
    captions: [
      "Delivery latency since the step began: pick by how late is too late.",
      "Cost per message: pick by how many clients and how often they hear nothing new.",
    ],
  },
];
