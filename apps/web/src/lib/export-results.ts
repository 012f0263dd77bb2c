import { toCsv } from "@transport-lab/metrics";
import type { GeneratorState, LinkInfo, ServerMetrics } from "@transport-lab/protocol";
import type { RunFigures } from "./saved-runs.ts";
import type { Settings } from "./settings.ts";

/** The generator as the server last reported it. */
export type GeneratorFigures = Omit<GeneratorState, "channel">;

/** The JSON export: the figures with their histograms, and what they were measured under. */
export interface ExportDocument {
  readonly kind: "transport-lab/web-results";
  readonly version: 1;
  readonly exportedAt: string;
  readonly page: string;
  readonly userAgent: string;
  readonly channel: string;
  readonly mode: "compare" | "single";
  readonly settings: Settings;
  /** The emulated network every lane went through, as the server described it (null: none). */
  readonly network: LinkInfo | null;
  /** The generator as the server last reported it (null: not known). */
  readonly generator: GeneratorFigures | null;
  readonly startCursor: string | null;
  readonly transports: readonly RunFigures[];
  /** The last `/api/metrics` sample, when the page had one. */
  readonly server: ServerMetrics | null;
}

/** Context of an export that the figures do not carry. */
export interface ExportContext {
  readonly exportedAt: Date;
  readonly page: string;
  readonly userAgent: string;
  readonly settings: Settings;
  readonly network: LinkInfo | null;
  readonly mode: "compare" | "single";
  readonly generator: GeneratorFigures | null;
  readonly startCursor: string | undefined;
  readonly server: ServerMetrics | null;
}

/** Builds the JSON export document. */
export function buildExport(figures: readonly RunFigures[], context: ExportContext): ExportDocument {
  return {
    kind: "transport-lab/web-results",
    version: 1,
    exportedAt: context.exportedAt.toISOString(),
    page: context.page,
    userAgent: context.userAgent,
    channel: context.settings.channel,
    mode: context.mode,
    settings: context.settings,
    network: context.network,
    generator: context.generator,
    startCursor: context.startCursor ?? null,
    transports: figures,
    server: context.server,
  };
}

/** What a CSV row says about how its figures were measured. */
export interface CsvContext {
  readonly settings: Settings;
  readonly mode: "compare" | "single";
  readonly generator: GeneratorFigures | null;
  /** A saved run's id and start, when the rows come from one. */
  readonly run?: { readonly id: string; readonly startedAt: string };
}

/** Columns of the CSV before the metrics ones: the settings each row was measured under. */
export const CSV_SETTINGS_HEADER = [
  "run",
  "runStartedAt",
  "channel",
  "mode",
  "network",
  "pollIntervalMs",
  "longPollTimeoutMs",
  "generatorRunning",
  "generatorRate",
  "generatorPayloadBytes",
  "paused",
] as const;

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV export: per transport the settings it was measured under, then its `@transport-lab/metrics` row (histograms left out). */
export function exportCsv(figures: readonly RunFigures[], context: CsvContext): string {
  const [header, ...rows] = toCsv(figures.map((f) => f.metrics))
    .trimEnd()
    .split("\r\n");
  const s = context.settings;
  const g = context.generator;
  const leading = [
    context.run?.id ?? null,
    context.run?.startedAt ?? null,
    s.channel,
    context.mode,
    // Runs saved before networks existed have none.
    s.network ?? "",
    s.pollIntervalMs,
    s.longPollTimeoutMs,
    g?.running ?? null,
    g?.rate ?? null,
    g?.payloadBytes ?? null,
    s.paused.join(" "),
  ].map(csvCell);
  const lines = [
    [...CSV_SETTINGS_HEADER, header].join(","),
    ...rows.map((row) => [...leading, row].join(",")),
  ];
  return `${lines.join("\r\n")}\r\n`;
}

/** A file name such as `transport-lab-chat-2026-11-26T01-02-03Z.csv`. */
export function exportFileName(channel: string, at: Date, extension: "json" | "csv"): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  return `transport-lab-${channel}-${stamp}.${extension}`;
}

/** Offers `text` as a download (browser only). */
export function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
