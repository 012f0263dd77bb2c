import type { MetricsSnapshot } from "./snapshot.ts";

type Cell = string | number | null;

// One place for header and value, so that the two can never drift apart.
const COLUMNS: ReadonlyArray<readonly [string, (s: MetricsSnapshot) => Cell]> = [
  ["transport", (s) => s.transport],
  ["startedAt", (s) => s.startedAt],
  ["elapsedMs", (s) => s.elapsedMs],
  ["messages", (s) => s.messages],
  ["latencyCount", (s) => s.latency.count],
  ["latencyMinMs", (s) => s.latency.min],
  ["latencyMeanMs", (s) => s.latency.mean],
  ["latencyP50Ms", (s) => s.latency.p50],
  ["latencyP90Ms", (s) => s.latency.p90],
  ["latencyP99Ms", (s) => s.latency.p99],
  ["latencyMaxMs", (s) => s.latency.max],
  ["latencyNegative", (s) => s.latency.negative],
  ["latencyOverflow", (s) => s.latency.overflow],
  ["latencyInvalid", (s) => s.latency.invalid],
  ["clockOffsetMs", (s) => s.clock?.offset ?? null],
  ["clockUncertaintyMs", (s) => s.clock?.uncertainty ?? null],
  ["clockRttMs", (s) => s.clock?.rtt ?? null],
  ["clockDriftPpm", (s) => s.clock?.driftPpm ?? null],
  ["httpRequests", (s) => s.httpRequests],
  ["bytesIn", (s) => s.bytesIn.bytes],
  ["bytesInSource", (s) => s.bytesIn.source],
  ["bytesOut", (s) => s.bytesOut.bytes],
  ["bytesOutSource", (s) => s.bytesOut.source],
  ["requestsPerMessage", (s) => s.requestsPerMessage],
  ["bytesPerMessage", (s) => s.bytesPerMessage],
  ["responses", (s) => s.responses],
  ["emptyResponses", (s) => s.emptyResponses],
  ["gaps", (s) => s.gaps],
  ["missed", (s) => s.missed],
  ["duplicates", (s) => s.duplicates],
  ["reorders", (s) => s.reorders],
  ["resets", (s) => s.resets],
  ["lost", (s) => s.lost],
  ["reconnects", (s) => s.reconnects],
  ["publishes", (s) => s.publishes],
  ["errors", (s) => s.errors],
];

/** Column names of {@link toCsv}, in order. */
export const CSV_HEADER: readonly string[] = COLUMNS.map(([name]) => name);

/** RFC 4180 CSV: a header row, then one row per snapshot; CRLF line ends, null as an empty cell. */
export function toCsv(snapshots: readonly MetricsSnapshot[]): string {
  const rows = [CSV_HEADER.join(",")];
  for (const s of snapshots) rows.push(COLUMNS.map(([, cell]) => formatCell(cell(s))).join(","));
  return `${rows.join("\r\n")}\r\n`;
}

function formatCell(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  // Quote text that would split a cell or a row; a leading = + - @ would be run as a formula by spreadsheets.
  const text = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
