import type { ClientSnapshot } from "@transport-lab/client";
import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import {
  type ContinuityView,
  type LabPhase,
  type LabView,
  type LaneView,
  LIMITS,
  type ReceivedMessage,
  type TransportFigures,
} from "./lab-view.ts";
import type { Lane } from "./lane.ts";
import type { LaneName } from "./lane-names.ts";
import type { LatencySeries } from "./latency-series.ts";
import type { WireRings } from "./wire-rings.ts";

/** What a view is built from, besides the lanes. */
export interface ViewInputs {
  readonly version: number;
  readonly mode: "compare" | "single";
  readonly channel: string;
  readonly network: string;
  readonly phase: LabPhase;
  readonly startCursor: string | undefined;
  readonly history: readonly ReceivedMessage[];
  readonly series: LatencySeries;
  readonly wire: WireRings;
  readonly wireVisible: boolean;
  readonly now: number;
}

/** The page's continuity check of a lane, as plain figures. */
export function buildCheck(lane: Lane): ContinuityView {
  const c = lane.check;
  return {
    delivered: c.delivered,
    skips: c.skips,
    skipped: c.skipped,
    repeats: c.repeats,
    resets: c.resets,
    lost: c.lost,
    lastSeq: c.lastSeq,
  };
}

function laneView(lane: Lane, now: number, snap: ClientSnapshot<LaneName> | undefined): LaneView {
  const client = lane.client;
  const transport = lane.transport;
  return {
    transport,
    paused: lane.paused,
    state: client?.state ?? null,
    figures: lane.archive.figures(transport, client, false, now, snap),
    cursor: client?.cursor ?? lane.resumeCursor,
    recent: lane.recent.latest(LIMITS.recent),
    chat: lane.chat.latest(LIMITS.chat),
    continuity: buildCheck(lane),
    lastReset: lane.lastReset,
    events: lane.events.recent(now),
    error: lane.error,
    auto: client?.auto ?? false,
    decisions: lane.decisions.toArray(),
  };
}

/** Builds the immutable view of every lane: one snapshot per live client, taken once. */
export function buildView(lanes: readonly Lane[], inputs: ViewInputs): LabView {
  const snaps = lanes.map((lane) => lane.client?.snapshot());
  const single = inputs.mode === "single" ? lanes[0] : undefined;
  const perTransport: TransportFigures[] = [];
  if (single !== undefined) {
    for (const t of TRANSPORT_NAMES) {
      const figures = single.archive.figures(t, single.client, false, inputs.now, snaps[0]);
      if (figures !== null) perTransport.push(figures);
    }
  }
  return {
    version: inputs.version,
    mode: inputs.mode,
    channel: inputs.channel,
    network: inputs.network,
    phase: inputs.phase,
    startCursor: inputs.startCursor,
    lanes: lanes.map((lane, i) => laneView(lane, inputs.now, snaps[i])),
    chart: inputs.series.toAligned(),
    history: inputs.history,
    perTransport,
    switches: single === undefined ? [] : [...single.check.switches],
    wire: inputs.wire.events(inputs.wireVisible),
    wireTotals: inputs.wire.totals(),
  };
}
