// The immutable picture of the page's connection that every component reads: one LabView per
// rebuild (at most one per animation frame), built by build-view.ts.
import type {
  ClientEvents,
  ClientState,
  TransportDecision,
  TransportExtras,
  WireEvent,
} from "@transport-lab/client";
import type { MetricsSnapshot } from "@transport-lab/metrics";
import type { Json } from "@transport-lab/protocol";
import type { SwitchRecord } from "./continuity.ts";
import type { LaneEvent } from "./lane-events.ts";
import { type LaneName, SOCKET_IO_LANE } from "./lane-names.ts";
import type { AlignedSeries } from "./latency-series.ts";
import type { SingleTransport } from "./settings.ts";

/** What the page connects to and how. */
export interface LabConfig {
  /** Where the server answers the page: `location.origin`, plus `/link/<name>` when the page was opened under a link. */
  readonly baseUrl: string;
  /** The emulated network every client goes through (a link name), `""` for none. */
  readonly network: string;
  readonly channel: string;
  /** `compare`: one client per transport (and Socket.IO when on); `single`: one client that can switch. */
  readonly mode: "compare" | "single";
  /** Single mode: the transport to start on, or `auto`. */
  readonly transport: SingleTransport;
  readonly pollIntervalMs: number;
  readonly longPollTimeoutMs: number;
  /** Compare mode: lanes not connected. */
  readonly paused: readonly LaneName[];
  /** Compare mode: the fifth lane, through Socket.IO, is on. */
  readonly socketio: boolean;
  /** The Socket.IO lane connects WebSocket-only (else long polling, then the upgrade). */
  readonly socketioWebsocketOnly: boolean;
}

/** One envelope as this page received it. */
export interface ReceivedMessage {
  readonly seq: number;
  /** Server time stamp of the envelope. */
  readonly time: number;
  /** Client wall clock at delivery. */
  readonly receivedAt: number;
  /** Delivery latency with the shared clock offset applied, null before the offset is known. */
  readonly latency: number | null;
  readonly data: Json;
  readonly transport: LaneName;
}

/** The page's own check of a lane's delivery, independent of the client's sequencer. */
export interface ContinuityView {
  readonly delivered: number;
  readonly skips: number;
  readonly skipped: number;
  readonly repeats: number;
  readonly resets: number;
  /** Seqs a reset jumped over (never delivered), where the reset says how many. */
  readonly lost: number;
  readonly lastSeq: number;
}

/** Figures of one transport (merged across the clients a lane has had). */
export interface TransportFigures {
  readonly transport: LaneName;
  readonly metrics: MetricsSnapshot;
  readonly extras: TransportExtras<LaneName> | null;
}

/** The last reset the server sent a lane. */
export interface LaneReset {
  readonly reason: ClientEvents["reset"]["reason"];
  readonly cursor: string;
  readonly at: number;
  /** Seqs it skipped, never delivered (the client's count). */
  readonly lost: number;
}

/** One panel: a transport in compare mode, or the single client. */
export interface LaneView {
  /** The transport in use. */
  readonly transport: LaneName;
  readonly paused: boolean;
  /** Null while paused or before the client exists. */
  readonly state: ClientState<LaneName> | null;
  /** The figures of the transport in use. */
  readonly figures: TransportFigures | null;
  readonly cursor: string | undefined;
  /** Newest first. */
  readonly recent: readonly ReceivedMessage[];
  /** Chat lines received on this lane, newest first. */
  readonly chat: readonly ReceivedMessage[];
  readonly continuity: ContinuityView;
  readonly lastReset: LaneReset | null;
  /** Connects, drops, resumes and resets of the last minute, oldest first. */
  readonly events: readonly LaneEvent[];
  /** Why the client could not be started, null when it was. */
  readonly error: string | null;
  /** True while the client picks its transport itself (single view, Auto). */
  readonly auto: boolean;
  /** What Auto tried and decided, oldest first (empty for a fixed transport). */
  readonly decisions: readonly TransportDecision[];
}

/** Where the whole connection is. */
export type LabPhase =
  | {
      readonly kind: "starting";
      readonly detail: string;
      /** Since when the start has waited for one answer; set once that is unusually long. */
      readonly stalledSince: number | null;
    }
  | { readonly kind: "running" }
  | { readonly kind: "unreachable"; readonly detail: string; readonly since: number }
  | { readonly kind: "closed" };

/** Everything the page renders, rebuilt at most once per animation frame. */
export interface LabView {
  readonly version: number;
  readonly mode: "compare" | "single";
  readonly channel: string;
  /** The network the clients go through, `""` for none. */
  readonly network: string;
  readonly phase: LabPhase;
  /** The cursor all lanes started from (the channel head when the page connected). */
  readonly startCursor: string | undefined;
  readonly lanes: readonly LaneView[];
  /** Mean latency per 250 ms, one series per lane in LANE_NAMES order. */
  readonly chart: AlignedSeries;
  /** Chat lines from before the page connected, oldest first. */
  readonly history: readonly ReceivedMessage[];
  /** Single mode: figures of every transport the client has used, and its switches. */
  readonly perTransport: readonly TransportFigures[];
  readonly switches: readonly SwitchRecord[];
  /** Wire events per transport, oldest first (empty unless the wire view is shown). */
  readonly wire: Readonly<Record<LaneName, readonly WireEvent<LaneName>[]>>;
  /** Wire events seen per transport while the wire view was shown, evicted ones included. */
  readonly wireTotals: Readonly<Record<LaneName, number>>;
}

/** Sizes of the bounded lists. */
export const LIMITS = { recent: 12, chat: 50, wire: 300, history: 30, decisions: 40 } as const;

/** The uncertainty of the page's clock offset (shared by the four transports), null before it is known. */
export function pageUncertainty(view: LabView): number | null {
  for (const lane of view.lanes) {
    // Socket.IO keeps a clock of its own: it is not the page's.
    if (lane.transport === SOCKET_IO_LANE) continue;
    const clock = lane.figures?.metrics.clock;
    if (clock != null) return clock.uncertainty;
  }
  return null;
}

/**
 * The uncertainty of the clock offset a lane's latencies are measured with: its own for the
 * Socket.IO lane (sampled over its own connection), the page's for the four transports.
 */
export function laneUncertainty(view: LabView, name: LaneName): number | null {
  if (name !== SOCKET_IO_LANE) return pageUncertainty(view);
  return view.lanes.find((l) => l.transport === name)?.figures?.metrics.clock?.uncertainty ?? null;
}
