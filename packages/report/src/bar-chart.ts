import { escapeHtml } from "./escape.ts";

/** One series of a grouped bar chart: one bar per group. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** One value per group; null (or ≤ 0 on a log scale) draws no bar. */
  readonly values: readonly (number | null)[];
}

/** A grouped bar chart: groups along x, one bar per series in each. */
export interface BarChartSpec {
  readonly title: string;
  /** Unit of the y axis, e.g. `ms`. */
  readonly unit: string;
  readonly groups: readonly string[];
  readonly series: readonly ChartSeries[];
  /** Logarithmic y axis (figures that span decades: latency, bytes). */
  readonly log?: boolean;
}

function tickLabel(v: number): string {
  if (v >= 1_000_000) return `${v / 1_000_000}M`;
  if (v >= 1000) return `${v / 1000}k`;
  return String(Number(v.toPrecision(3)));
}

/** The y scale: value → pixel offset above the axis, and the grid lines to draw. */
function scale(values: readonly number[], log: boolean, height: number) {
  const positive = values.filter((v) => v > 0);
  if (log) {
    const lo = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive, lo * 10)));
    const span = Math.log10(hi) - Math.log10(lo);
    const ticks: number[] = [];
    for (let v = lo; v <= hi * 1.0001; v *= 10) ticks.push(v);
    return { y: (v: number) => (v <= 0 ? 0 : ((Math.log10(v) - Math.log10(lo)) / span) * height), ticks };
  }
  const max = Math.max(...values, 0) || 1;
  const step = 10 ** Math.floor(Math.log10(max / 4));
  const niceStep = [1, 2, 5, 10].map((m) => m * step).find((s) => max / s <= 5) ?? step * 10;
  const top = Math.ceil(max / niceStep) * niceStep;
  const ticks: number[] = [];
  for (let v = 0; v <= top + niceStep / 2; v += niceStep) ticks.push(v);
  return { y: (v: number) => (Math.max(0, v) / top) * height, ticks };
}

/** Renders {@link BarChartSpec} as a self-contained inline SVG (no scripts, no external resources). */
export function barChart(spec: BarChartSpec): string {
  const barW = 9;
  const gap = 16;
  const groupW = spec.series.length * barW + gap;
  const left = 56;
  const top = 44;
  const plotH = 220;
  const bottom = 80;
  const width = Math.max(480, left + spec.groups.length * groupW + 90);
  const height = top + plotH + bottom;
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const { y, ticks } = scale(values, spec.log ?? false, plotH);
  const base = top + plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(spec.title)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<text x="${left}" y="16" font-size="13" font-weight="600">${escapeHtml(spec.title)}</text>`,
  ];
  for (const t of ticks) {
    const ty = base - y(t);
    parts.push(
      `<line x1="${left}" x2="${left + spec.groups.length * groupW}" y1="${ty}" y2="${ty}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${ty + 4}" text-anchor="end" fill="#555">${tickLabel(t)}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(12 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#555">${escapeHtml(spec.unit)}${spec.log ? " (log)" : ""}</text>`,
  );
  spec.groups.forEach((group, g) => {
    const gx = left + g * groupW + gap / 2;
    spec.series.forEach((s, i) => {
      const v = s.values[g] ?? null;
      if (v === null || (spec.log && v <= 0)) return;
      const h = Math.max(1, y(v));
      parts.push(
        `<rect x="${gx + i * barW}" y="${base - h}" width="${barW - 1}" height="${h}" fill="${s.color}"><title>${escapeHtml(`${s.name}, ${group}: ${v.toPrecision(4)} ${spec.unit}`)}</title></rect>`,
      );
    });
    const cx = gx + (spec.series.length * barW) / 2;
    parts.push(
      `<text transform="translate(${cx} ${base + 10}) rotate(35)" fill="#333">${escapeHtml(group)}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" x2="${left + spec.groups.length * groupW}" y1="${base}" y2="${base}" stroke="#333"/>`,
  );
  spec.series.forEach((s, i) => {
    const lx = left + i * 110;
    parts.push(
      `<rect x="${lx}" y="24" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${lx + 14}" y="33">${escapeHtml(s.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("");
}
