import { type HistogramJSON, histogramFromJSON } from "./hdr-histogram.ts";
import { summarize } from "./latency-summary.ts";
import { derivedFigures, type MetricsSnapshot } from "./snapshot.ts";

/**
 * Adds up the figures of one transport over several clients in a row: the
 * web app ends a client when a transport is paused (or the clock re-measured) and
 * starts a new one from the same cursor on resume, and the panel must keep
 * counting across that. Counters add, the histograms merge, per-message
 * figures are recomputed from the sums. Snapshots need their `histogram`.
 * Oldest first; the clock of the newest is kept.
 */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[], now: number): MetricsSnapshot {
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  if (first === undefined || last === undefined) throw new RangeError("nothing to merge");
  if (snapshots.length === 1) return first;
  const [head, ...rest] = snapshots.map((s) => {
    if (s.histogram === undefined) throw new TypeError(`snapshot of ${s.transport} lacks its histogram`);
    return s.histogram;
  });
  // The first one's layout is the merged one's; the others must share it (RangeError otherwise).
  const histogram = histogramFromJSON(head as HistogramJSON);
  for (const part of rest) histogram.merge(part);
  let messages = 0;
  let httpRequests = 0;
  let measuredIn = 0;
  let computedIn = 0;
  let measuredOut = 0;
  let computedOut = 0;
  const sums = {
    emptyResponses: 0,
    gaps: 0,
    missed: 0,
    duplicates: 0,
    reorders: 0,
    resets: 0,
    reconnects: 0,
    publishes: 0,
    errors: 0,
  };
  for (const s of snapshots) {
    messages += s.messages;
    httpRequests += s.httpRequests;
    measuredIn += s.bytesIn.measured;
    computedIn += s.bytesIn.computed;
    measuredOut += s.bytesOut.measured;
    computedOut += s.bytesOut.computed;
    for (const key of Object.keys(sums) as (keyof typeof sums)[]) sums[key] += s[key];
  }
  return {
    version: 1,
    transport: last.transport,
    startedAt: first.startedAt,
    elapsedMs: now - first.startedAt,
    messages,
    latency: summarize(histogram),
    clock: last.clock,
    httpRequests,
    ...derivedFigures({ messages, httpRequests, measuredIn, computedIn, measuredOut, computedOut }),
    ...sums,
    histogram: histogram.toJSON(),
  };
}
