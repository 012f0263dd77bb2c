import type { RunResult } from "./run.ts";

const f1 = (n: number | null | undefined) => (n === null || n === undefined ? "–" : n.toFixed(1));
const kb = (bytes: number | null) => (bytes === null ? "–" : (bytes / 1024).toFixed(1));

/** Header of the one-line-per-run table printed by `run`. */
export const TABLE_HEADER = [
  "transport".padEnd(9),
  "target".padEnd(13),
  "clients".padStart(7),
  "rate".padStart(6),
  "deliv/s".padStart(9),
  "p50 ms".padStart(8),
  "p99 ms".padStart(8),
  "p99 sch".padStart(8),
  "req/s".padStart(8),
  "B/msg".padStart(7),
  "KB/conn".padStart(8),
  "cpu%".padStart(6),
  "gaps".padStart(5),
].join(" ");

/** One run as a table row under {@link TABLE_HEADER}. */
export function formatRow(r: RunResult): string {
  return [
    r.spec.transport.padEnd(9),
    r.target.padEnd(13),
    String(r.open).padStart(7),
    String(r.spec.rate).padStart(6),
    r.deliveriesPerSecond.toFixed(0).padStart(9),
    f1(r.latency.p50).padStart(8),
    f1(r.latency.p99).padStart(8),
    f1(r.latencyScheduled.p99).padStart(8),
    r.requestsPerSecond.toFixed(0).padStart(8),
    f1(r.bytesPerMessage).padStart(7),
    kb(r.memoryPerConnection).padStart(8),
    f1(r.server.cpuMax).padStart(6),
    String(r.gaps).padStart(5),
  ].join(" ");
}

/** A Markdown table. */
export function mdTable(head: string[], rows: (string | number)[][]): string {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** An HTML table from the same cells as {@link mdTable}. */
export function htmlTable(head: string[], rows: (string | number)[][]): string {
  const esc = (v: string | number) => String(v).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/** One bar of a grouped bar chart. */
export interface Bar {
  group: string;
  label: string;
  value: number;
}

const COLORS = ["#2563eb", "#9ca3af", "#16a34a", "#d97706", "#9333ea", "#dc2626"];

/** A horizontal grouped bar chart as inline SVG (no scripts, opens anywhere). */
export function barChart(title: string, unit: string, bars: Bar[]): string {
  const labels = [...new Set(bars.map((b) => b.label))];
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const rowH = 18;
  const left = 150;
  const width = 640;
  let y = 34;
  const parts: string[] = [];
  let group = "";
  for (const b of bars) {
    if (b.group !== group) {
      group = b.group;
      parts.push(`<text x="4" y="${y + 12}" font-weight="600">${group}</text>`);
      y += rowH;
    }
    const w = ((width - left - 90) * b.value) / max;
    const color = COLORS[labels.indexOf(b.label) % COLORS.length];
    parts.push(
      `<text x="${left - 6}" y="${y + 12}" text-anchor="end">${b.label}</text>`,
      `<rect x="${left}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 5}" fill="${color}"/>`,
      `<text x="${left + w + 4}" y="${y + 12}">${b.value.toFixed(b.value < 10 ? 2 : 1)} ${unit}</text>`,
    );
    y += rowH;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 8}" font-family="system-ui, sans-serif" font-size="12" role="img" aria-label="${title}"><text x="4" y="18" font-size="14" font-weight="700">${title}</text>${parts.join("")}</svg>`;
}
