import { formatBytes, formatCount, formatLatency, formatRatio } from "./format.ts";
import { LANE_NAMES, type LaneName } from "./lane-names.ts";
import type { RunFigures, SavedRun } from "./saved-runs.ts";

/** One figure of one lane in two runs. */
export interface DiffRow {
  readonly transport: LaneName;
  readonly figure: string;
  readonly a: string;
  readonly b: string;
  /** b ÷ a as `×1.23`, `–` when either is missing or a is 0. */
  readonly ratio: string;
}

interface FigureDef {
  readonly name: string;
  readonly value: (f: RunFigures) => number | null;
  readonly format: (v: number | null, f: RunFigures) => string;
}

const FIGURES: readonly FigureDef[] = [
  { name: "Messages", value: (f) => f.metrics.messages, format: (v) => formatCount(v) },
  {
    name: "Messages / s",
    value: (f) => (f.metrics.elapsedMs > 0 ? (f.metrics.messages * 1000) / f.metrics.elapsedMs : null),
    format: (v) => (v === null ? "–" : v >= 100 ? formatCount(v) : v.toFixed(1)),
  },
  {
    name: "p50",
    value: (f) => f.metrics.latency.p50,
    format: (v, f) => formatLatency(v, f.metrics.clock?.uncertainty),
  },
  {
    name: "p99",
    value: (f) => f.metrics.latency.p99,
    format: (v, f) => formatLatency(v, f.metrics.clock?.uncertainty),
  },
  { name: "Requests / msg", value: (f) => f.metrics.requestsPerMessage, format: formatRatio },
  { name: "Bytes / msg", value: (f) => f.metrics.bytesPerMessage, format: formatBytes },
  { name: "Lost", value: (f) => f.metrics.lost, format: (v) => formatCount(v) },
  {
    name: "Gaps + dup + reord",
    value: (f) => f.metrics.gaps + f.metrics.duplicates + f.metrics.reorders,
    format: (v) => formatCount(v),
  },
  { name: "Reconnects", value: (f) => f.metrics.reconnects, format: (v) => formatCount(v) },
];

function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || a === 0) return "–";
  const r = b / a;
  return `×${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}`;
}

/** Every figure of every lane either run measured, side by side. */
export function diffRuns(a: SavedRun, b: SavedRun): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const t of LANE_NAMES) {
    const fa = a.transports.find((f) => f.transport === t);
    const fb = b.transports.find((f) => f.transport === t);
    if (fa === undefined && fb === undefined) continue;
    for (const def of FIGURES) {
      const va = fa === undefined ? null : def.value(fa);
      const vb = fb === undefined ? null : def.value(fb);
      rows.push({
        transport: t,
        figure: def.name,
        a: fa === undefined ? "not measured" : def.format(va, fa),
        b: fb === undefined ? "not measured" : def.format(vb, fb),
        ratio: ratio(va, vb),
      });
    }
  }
  return rows;
}
