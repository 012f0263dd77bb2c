import { escapeHtml } from "./escape.ts";

/** A table as header cells and rows of text, rendered to Markdown, HTML or a terminal. */
export interface Table {
  readonly title: string;
  /** One or two sentences under the title: what the figures are. */
  readonly note: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Leading columns that name the row (left-aligned); the rest are figures (right-aligned). */
  readonly keys: number;
}

/** The cells of a table, without its title and note. */
export type TableCells = Pick<Table, "head" | "rows" | "keys">;

/** A Markdown table; `|` inside a cell is escaped, figure columns are right-aligned. */
export function markdownTable(table: TableCells): string {
  const row = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [
    row(table.head),
    `|${table.head.map((_, i) => (i < table.keys ? "---" : "---:")).join("|")}|`,
    ...table.rows.map(row),
  ].join("\n");
}

/** An HTML table from the same cells as {@link markdownTable}; key columns get `class="key"`. */
export function htmlTable(table: TableCells): string {
  const cell = (tag: "th" | "td", text: string, i: number) =>
    `<${tag}${i < table.keys ? ' class="key"' : ""}>${escapeHtml(text)}</${tag}>`;
  const head = table.head.map((h, i) => cell("th", h, i)).join("");
  const rows = table.rows.map((r) => `<tr>${r.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** A fixed-width table for a terminal: keys padded right, figures padded left, two spaces apart. */
export function textTable(table: TableCells): string {
  const widths = table.head.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < table.keys ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(table.head), ...table.rows.map(line)].join("\n");
}
