import type { TransportName } from "@transport-lab/protocol";
import { formatMs } from "./format.ts";
import { LANE_NAMES } from "./lane-names.ts";
import type { AlignedSeries } from "./latency-series.ts";
import { latestValues } from "./latency-series.ts";
import { TRANSPORT_STYLE } from "./transport-info.ts";

/** A streaming transport that delivers far later than another one of the same page right now. */
export interface Behind {
  readonly transport: TransportName;
  readonly recentMs: number;
  readonly bestTransport: TransportName;
  readonly bestMs: number;
}

/** A stream this much later than the best one (and at least a second late) is falling behind. */
const FACTOR = 5;
const FLOOR_MS = 1000;
const STREAMS: readonly TransportName[] = ["ws", "sse"];

/**
 * Which of WebSocket and SSE is falling behind the other, from the chart's latest means: the
 * two push every message the moment it is published, so one far behind the other is the page
 * (or the browser) not keeping up, not the transport's design.
 */
export function fallingBehind(chart: AlignedSeries): Behind | null {
  const latest = latestValues(chart);
  const of = (t: TransportName) => latest[LANE_NAMES.indexOf(t)] ?? null;
  for (const t of STREAMS) {
    const mine = of(t);
    if (mine === null || mine < FLOOR_MS) continue;
    for (const other of STREAMS) {
      const theirs = of(other);
      if (other === t || theirs === null) continue;
      if (mine > FACTOR * Math.max(theirs, 1))
        return { transport: t, recentMs: mine, bestTransport: other, bestMs: theirs };
    }
  }
  return null;
}

/** What the page says under a transport that is falling behind. */
export function behindWords(b: Behind): string {
  const them = TRANSPORT_STYLE[b.bestTransport].label;
  const lag = `${TRANSPORT_STYLE[b.transport].label} is delivering ${formatMs(b.recentMs)} late while ${them} is at ${formatMs(b.bestMs)}.`;
  if (b.transport === "ws") {
    return `${lag} That is the browser, not the protocol: Chromium passes every WebSocket message from its network process to the page as a task of its own (measured here: about 130 µs of this tab's main thread per message), while an event stream arrives in chunks of hundreds of events per task (25–45 µs per event). With four transports (or five) at this rate the main thread is busy, WebSocket messages queue behind the other work, and the backlog waits in the browser and then in the server's send buffer until the rate drops. Pause the other panels to see WebSocket alone keep up; a page that must take thousands of messages a second while it renders would read its WebSocket in a Worker.`;
  }
  return `${lag} This tab's main thread cannot keep up with every transport at this rate; pause some panels to see the rest keep up.`;
}
