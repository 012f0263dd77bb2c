import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { Browser, Page } from "@playwright/test";
import { type MetricsSnapshot, perMessage } from "@transport-lab/metrics";
import { formatCursor, type LinkInfo, TRANSPORT_NAMES, transportPath } from "@transport-lab/protocol";
import { expect, figure, openLab, panel, stateOf } from "../support/lab-page.ts";
import { type ServerDriver, uniqueChannel } from "../support/server-driver.ts";
import type { BenchLane, CellResult, CellSpec, TransportFiguresResult } from "./bench-result.ts";
import { deliveryProblems } from "./delivery-problems.ts";

/** What a cell is doing, for the progress line. */
export type CellPhase = "open" | "warm-up" | "measure" | "drain" | "export";

/** How one cell is run. */
export interface CellOptions {
  readonly browser: Browser;
  readonly api: ServerDriver;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Page settings (URL parameters), e.g. `{ poll: "1000" }`; the page's defaults otherwise. */
  readonly query?: Readonly<Record<string, string>>;
  /** The page's interval-polling period (it also goes in `query`), for judging its latency. */
  readonly pollIntervalMs?: number;
  /** The link the page is asked to use (`query.network`): checked against the export, and its round trip allowed for. */
  readonly link?: LinkInfo | null;
  /** The page's lanes: the four transports, and Socket.IO when `query` turns it on (`vs=socketio`). */
  readonly lanes?: readonly BenchLane[];
  /** Longest wait for every transport to deliver the last message after the generator stops. */
  readonly drainTimeoutMs?: number;
  /** Called when the cell enters a phase, with how long that phase is planned to take (0: open-ended). */
  readonly onPhase?: (phase: CellPhase, plannedMs: number) => void;
}

/** The page's default poll interval (apps/web settings). */
const DEFAULT_POLL_INTERVAL_MS = 1000;

/** Longer than the client's wait for a fetch's Resource Timing entry (2 s). */
const TIMING_SETTLE_MS = 2500;

/** The part of the page's "Export JSON" document that the benchmark reads (apps/web `ExportDocument`). */
interface ExportedFigures {
  readonly kind: string;
  readonly network: { readonly name: string } | null;
  readonly transports: readonly {
    readonly transport: BenchLane;
    readonly metrics: MetricsSnapshot;
    readonly extras: unknown;
  }[];
}

function toResult(transport: BenchLane, m: MetricsSnapshot, extras: unknown): TransportFiguresResult {
  return {
    transport,
    lost: m.lost,
    elapsedMs: m.elapsedMs,
    messages: m.messages,
    latency: {
      count: m.latency.count,
      p50: m.latency.p50,
      p90: m.latency.p90,
      p99: m.latency.p99,
      max: m.latency.max,
      mean: m.latency.mean,
      negative: m.latency.negative,
    },
    clockUncertainty: m.clock?.uncertainty ?? null,
    requests: m.httpRequests,
    requestsPerMessage: m.requestsPerMessage,
    bytesIn: m.bytesIn.bytes,
    bytesOut: m.bytesOut.bytes,
    bytesInSource: m.bytesIn.source,
    bytesOutSource: m.bytesOut.source,
    bytesInPerMessage: perMessage(m.bytesIn.bytes, m.messages),
    bytesOutPerMessage: perMessage(m.bytesOut.bytes, m.messages),
    bytesPerMessage: m.bytesPerMessage,
    emptyResponses: m.emptyResponses,
    gaps: m.gaps,
    missed: m.missed,
    duplicates: m.duplicates,
    reorders: m.reorders,
    resets: m.resets,
    reconnects: m.reconnects,
    errors: m.errors,
    raw: { metrics: m, extras },
  };
}

/** Presses "Export JSON" and reads the downloaded document. */
async function exportFigures(page: Page): Promise<ExportedFigures> {
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 15_000 }),
    page.getByRole("button", { name: "Export JSON" }).click(),
  ]);
  const doc = JSON.parse(await readFile(await download.path(), "utf8")) as ExportedFigures;
  if (doc.kind !== "transport-lab/web-results") throw new Error(`unexpected export kind ${doc.kind}`);
  return doc;
}

/** Waits until every panel's cursor is `cursor` (all delivered); false when `timeoutMs` passed first. */
async function drained(
  page: Page,
  lanes: readonly BenchLane[],
  cursor: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let behind = 0;
    for (const t of lanes) if ((await figure(panel(page, t), "Cursor").textContent()) !== cursor) behind++;
    if (behind === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/** UTF-8 length of the envelope of `seq` on `channel`, read with a poll from Node (outside every panel). */
async function envelopeBytes(
  api: ServerDriver,
  channel: string,
  epoch: string,
  seq: number,
): Promise<number> {
  const res = await fetch(
    api.baseUrl + transportPath("poll", channel, { cursor: formatCursor(epoch, seq - 1) }),
  );
  const body = (await res.json()) as { messages: unknown[] };
  const first = body.messages[0];
  return first === undefined ? 0 : Buffer.byteLength(JSON.stringify(first));
}

/** Runs the generator for `ms`, and stops it whatever happens. */
async function generate(api: ServerDriver, channel: string, spec: CellSpec, ms: number): Promise<void> {
  await api.generator(channel, spec.rate, spec.payloadBytes);
  try {
    await sleep(ms);
  } finally {
    await api.generator(channel, 0);
  }
}

/**
 * Presses "Reset metrics" and waits until every transport is connected again with zeroed figures
 * and the long poll is held: the reconnect happens while nothing is published, so that no message
 * of the measured window waits for it. Resolves with what went wrong, null when nothing did.
 */
async function resetFigures(
  page: Page,
  lanes: readonly BenchLane[],
  api: ServerDriver,
  channel: string,
): Promise<string | null> {
  await page.getByRole("button", { name: "Reset metrics" }).click();
  try {
    await expect
      .poll(async () => (await api.head(channel)).subscribers, { timeout: 15_000, intervals: [100] })
      .toEqual({ ws: 1, sse: 1, longPoll: 1 });
    for (const t of lanes) {
      await expect(stateOf(panel(page, t)), t).toHaveText(/^Open/, { timeout: 15_000 });
      await expect(figure(panel(page, t), "Messages"), t).toHaveText("0");
    }
    return null;
  } catch {
    return `15 s after Reset metrics not every transport was connected (${await panelStates(page, lanes)}); measured anyway`;
  }
}

/** Each panel's state line, for a problem report. */
async function panelStates(page: Page, lanes: readonly BenchLane[]): Promise<string> {
  const lines = await Promise.all(
    lanes.map(async (t) => `${t}: ${(await panel(page, t).locator("p.state-line").textContent()) ?? "?"}`),
  );
  return lines.join("; ");
}

/**
 * Measures one cell: a fresh channel and a fresh browser context showing the compare view (all
 * four transports at once, and Socket.IO when asked); the generator (started from Node, outside every figure) runs the
 * warm-up; once every transport has caught up, "Reset metrics" zeroes the panels and reconnects
 * them; the generator runs the measured window; once every transport has delivered the last
 * message, the panels' figures are read with "Export JSON".
 */
export async function runCell(spec: CellSpec, options: CellOptions): Promise<CellResult> {
  const { api, browser } = options;
  const phase = options.onPhase ?? (() => {});
  const drainMs = options.drainTimeoutMs ?? 20_000;
  const lanes = options.lanes ?? TRANSPORT_NAMES;
  const channel = uniqueChannel(`bench-${spec.rate}-${spec.payloadBytes}`);
  const context = await browser.newContext({ baseURL: api.baseUrl, acceptDownloads: true });
  try {
    const page = await context.newPage();
    phase("open", 0);
    await openLab(page, { ...options.query, channel }, lanes);
    const problems: string[] = [];
    const behind = async (when: string, cursor: string) => {
      if (!(await drained(page, lanes, cursor, drainMs)))
        problems.push(
          `${when}: not every transport had delivered ${cursor} after ${drainMs / 1000} s (${await panelStates(page, lanes)})`,
        );
    };
    phase("warm-up", options.warmupMs);
    await generate(api, channel, spec, options.warmupMs);
    const warm = await api.head(channel);
    phase("drain", 0);
    await behind("after the warm-up", `${warm.epoch}:${warm.seq}`);
    const reconnect = await resetFigures(page, lanes, api, channel);
    if (reconnect !== null) problems.push(reconnect);
    phase("measure", options.durationMs);
    await generate(api, channel, spec, options.durationMs);
    const head = await api.head(channel);
    phase("drain", 0);
    await behind("after the measured window", `${head.epoch}:${head.seq}`);
    phase("export", 0);
    // The page counts a fetch body when its Resource Timing entry arrives (up to 2 s later,
    // packages/client fetch-http.ts): let the last answers be counted before reading.
    await sleep(TIMING_SETTLE_MS);
    const doc = await exportFigures(page);
    const network = doc.network?.name ?? null;
    // Figures of another network than the one asked for would be reported under the wrong name.
    if (network !== (options.link?.name ?? null))
      throw new Error(`the page measured on network ${network}, not ${options.link?.name ?? "none"}`);
    const measured: Partial<Record<BenchLane, TransportFiguresResult>> = {};
    for (const t of lanes) {
      const entry = doc.transports.find((x) => x.transport === t);
      if (entry === undefined) throw new Error(`the export has no figures for ${t}`);
      measured[t] = toResult(t, entry.metrics, entry.extras);
    }
    // The four are always among the lanes (lanesOf), Socket.IO only when asked.
    const transports = measured as CellResult["transports"];
    problems.push(
      ...deliveryProblems(
        transports,
        options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
        options.link?.rttMs ?? 0,
      ),
    );
    return {
      ...spec,
      channel,
      network,
      published: head.seq - warm.seq,
      envelopeBytes: await envelopeBytes(api, channel, head.epoch, head.seq),
      problems,
      transports,
    };
  } finally {
    await context.close();
  }
}
