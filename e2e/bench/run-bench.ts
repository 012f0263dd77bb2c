import type { Browser } from "@playwright/test";
import type { ServerDriver } from "../support/server-driver.ts";
import {
  type BenchResult,
  type BenchSettings,
  type CellResult,
  type CellSpec,
  lanesOf,
} from "./bench-result.ts";
import { machineInfo, versions } from "./machine.ts";
import { type CellPhase, runCell } from "./run-cell.ts";

/** The matrix of the browser benchmark (docs/benchmarks.md): every rate with every payload. */
export const DEFAULT_RATES = [1, 10, 100, 1000] as const;
export const DEFAULT_PAYLOADS = [64, 1024, 16 * 1024] as const;

/** Where a run is, for a progress line. */
export interface BenchProgress {
  /** 0-based index of the cell being measured. */
  readonly index: number;
  readonly total: number;
  readonly cell: CellSpec;
  readonly phase: CellPhase;
  /** `performance.now()` when the phase began, and how long it is planned to last (0: open-ended). */
  readonly phaseStartedAt: number;
  readonly plannedMs: number;
  readonly startedAt: number;
}

/** What {@link runBench} needs: a browser, a server, the cells and the page's settings. */
export interface BenchOptions {
  readonly browser: Browser;
  readonly api: ServerDriver;
  readonly cells: readonly CellSpec[];
  readonly settings: BenchSettings;
  readonly onProgress?: (progress: BenchProgress) => void;
  /** Called after each cell with its result (e.g. to print a line). */
  readonly onCell?: (result: CellResult, index: number) => void;
}

/** Every rate × payload, rates outermost. */
export function matrix(rates: readonly number[], payloads: readonly number[]): CellSpec[] {
  return rates.flatMap((rate) => payloads.map((payloadBytes) => ({ rate, payloadBytes })));
}

/** Runs every cell in turn, every lane at once in each (the four, and Socket.IO when asked), and collects the results. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { settings } = options;
  const startedAt = new Date();
  const started = performance.now();
  const cells: CellResult[] = [];
  for (const [index, cell] of options.cells.entries()) {
    const result = await runCell(cell, {
      browser: options.browser,
      api: options.api,
      warmupMs: settings.warmupMs,
      durationMs: settings.durationMs,
      query: {
        poll: String(settings.pollIntervalMs),
        timeout: String(settings.longPollTimeoutMs),
        ...(settings.link == null ? {} : { network: settings.link.name }),
        // The Socket.IO anchor, WebSocket-only as docs/benchmarks.md configures it.
        ...(settings.socketio === true ? { vs: "socketio", sio: "websocket" } : {}),
      },
      lanes: lanesOf(settings),
      pollIntervalMs: settings.pollIntervalMs,
      link: settings.link ?? null,
      onPhase: (phase, plannedMs) =>
        options.onProgress?.({
          index,
          total: options.cells.length,
          cell,
          phase,
          phaseStartedAt: performance.now(),
          plannedMs,
          startedAt: started,
        }),
    });
    cells.push(result);
    options.onCell?.(result, index);
  }
  return {
    kind: "transport-lab/browser-bench",
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    versions: versions(options.browser),
    settings,
    cells,
  };
}
