import { escapeHtml } from "./escape.ts";

/** The one stylesheet of every report page: tables with figures right-aligned, charts stacked. */
const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#111}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}th{background:#f3f4f6}
.key{text-align:left}.charts svg{display:block;margin:1rem 0}
.note{color:#444}dt{font-weight:600}dd{margin:0 0 .3rem 1rem}`;

/** A self-contained report page (no scripts, no external resources): `title` as its title and heading. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

/** A definition list of `[label, value]` facts (machine, versions, settings). */
export function factList(facts: readonly (readonly [string, string])[]): string {
  return `<dl>${facts.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join("")}</dl>`;
}
