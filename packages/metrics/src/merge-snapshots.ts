import { type HistogramJSON, histogramFromJSON } from "./hdr-histogram.ts";
import { summarize } from "./latency-summary.ts";
import { COUNTER_KEYS, derivedFigures, type MetricsSnapshot, zeroCounters } from "./snapshot.ts";

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
  const sums = zeroCounters();
  for (const s of snapshots) {
    messages += s.messages;
    httpRequests += s.httpRequests;
    measuredIn += s.bytesIn.measured;
    computedIn += s.bytesIn.computed;
    measuredOut += s.bytesOut.measured;
    computedOut += s.bytesOut.computed;
    // `?? 0`: a snapshot saved before a counter existed (an older export) counts it as 0.
    for (const key of COUNTER_KEYS) sums[key] += s[key] ?? 0;
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
