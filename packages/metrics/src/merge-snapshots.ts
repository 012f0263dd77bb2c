import { type HistogramJSON, histogramFromJSON } from "./hdr-histogram.ts";
import { summarize } from "./latency-summary.ts";
import { COUNTER_KEYS, derivedFigures, type MetricsSnapshot, zeroCounters, zeroTotals } from "./snapshot.ts";

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
  const totals = zeroTotals();
  const sums = zeroCounters();
  for (const s of snapshots) {
    totals.messages += s.messages;
    totals.httpRequests += s.httpRequests;
    totals.measuredIn += s.bytesIn.measured;
    totals.computedIn += s.bytesIn.computed;
    totals.measuredOut += s.bytesOut.measured;
    totals.computedOut += s.bytesOut.computed;
    // `?? 0`: a snapshot saved before a counter existed (an older export) counts it as 0.
    for (const key of COUNTER_KEYS) sums[key] += s[key] ?? 0;
  }
  return {
    version: 1,
    transport: last.transport,
    startedAt: first.startedAt,
    elapsedMs: now - first.startedAt,
    messages: totals.messages,
    latency: summarize(histogram),
    clock: last.clock,
    httpRequests: totals.httpRequests,
    ...derivedFigures(totals),
    ...sums,
    histogram: histogram.toJSON(),
  };
}
