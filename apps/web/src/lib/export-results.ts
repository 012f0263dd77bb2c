import { type MetricsSnapshot, toCsv } from "@transport-lab/metrics";
import type { ServerMetrics } from "@transport-lab/protocol";
import type { TransportFigures } from "./lab-view.ts";
import type { Settings } from "./settings.ts";

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
  readonly startCursor: string | null;
  readonly transports: readonly TransportFigures[];
  /** The last `/api/metrics` sample, when the page had one. */
  readonly server: ServerMetrics | null;
}

/** Context of an export that the figures do not carry. */
export interface ExportContext {
  readonly exportedAt: Date;
  readonly page: string;
  readonly userAgent: string;
  readonly settings: Settings;
  readonly mode: "compare" | "single";
  readonly startCursor: string | undefined;
  readonly server: ServerMetrics | null;
}

/** Builds the JSON export document. */
export function buildExport(figures: readonly TransportFigures[], context: ExportContext): ExportDocument {
  return {
    kind: "transport-lab/web-results",
    version: 1,
    exportedAt: context.exportedAt.toISOString(),
    page: context.page,
    userAgent: context.userAgent,
    channel: context.settings.channel,
    mode: context.mode,
    settings: context.settings,
    startCursor: context.startCursor ?? null,
    transports: figures,
    server: context.server,
  };
}

/** The CSV export: one `@transport-lab/metrics` row per transport (histograms left out). */
export function exportCsv(figures: readonly TransportFigures[]): string {
  return toCsv(figures.map((f): MetricsSnapshot => f.metrics));
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
