import type { ByteCount, LatencySummary, MetricsSnapshot } from "@transport-lab/metrics";
import { type LinkInfo, TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";

/** A lane of the benchmark's page: one of the four transports, or Socket.IO (`--socketio`). */
export type BenchLane = TransportName | "socketio";

/** The lanes a run measured, in the page's order: the four, then Socket.IO when it was on. */
export function lanesOf(settings: Pick<BenchSettings, "socketio">): readonly BenchLane[] {
  return settings.socketio === true ? [...TRANSPORT_NAMES, "socketio"] : TRANSPORT_NAMES;
}

/** One cell of the matrix: the generator's rate and payload. */
export interface CellSpec {
  /** Messages per second. */
  readonly rate: number;
  /** Generator payload: the JSON of each message's `data` is about this long. */
  readonly payloadBytes: number;
}

/** Latency percentiles in ms as the page's histogram reports them; null when nothing was recorded. */
export type LatencyFigures = Pick<
  LatencySummary,
  "count" | "p50" | "p90" | "p99" | "max" | "mean" | "negative"
>;

/** Everything one lane's panel measured in one cell's measured window. */
export interface TransportFiguresResult
  extends Pick<
    MetricsSnapshot,
    | "elapsedMs"
    | "messages"
    | "requestsPerMessage"
    | "bytesPerMessage"
    | "emptyResponses"
    | "gaps"
    | "missed"
    | "duplicates"
    | "reorders"
    | "resets"
    | "reconnects"
    | "errors"
    | "lost"
  > {
  readonly transport: BenchLane;
  readonly latency: LatencyFigures;
  /** ± ms of the lane's clock offset (half the best round trip: `/api/time` for the four, the `time` ack for Socket.IO). */
  readonly clockUncertainty: number | null;
  readonly requests: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** `measured`, `computed` or `mixed` (see docs/metrics.md). */
  readonly bytesInSource: ByteCount["source"];
  readonly bytesOutSource: ByteCount["source"];
  readonly bytesInPerMessage: number | null;
  readonly bytesOutPerMessage: number | null;
  /** The panel's snapshot as "Export JSON" gave it (histogram and client extras included). */
  readonly raw: unknown;
}

/** One measured cell. */
export interface CellResult extends CellSpec {
  readonly channel: string;
  /** The emulated link the page's export says every lane went through (null: none); always the run's `settings.link`. */
  readonly network: string | null;
  /** Messages the generator published in the measured window (it runs only then, after the reset). */
  readonly published: number;
  /** UTF-8 length of one envelope's JSON as the server stores it (what every transport carries). */
  readonly envelopeBytes: number;
  /**
   * What did not go as planned (a transport not caught up after the warm-up or the window, not
   * reconnected after the reset, fallen behind or losing messages: delivery-problems.ts), with
   * each panel's state; empty when all went well.
   */
  readonly problems: readonly string[];
  /** Per lane: the four always, `socketio` when the run had it. */
  readonly transports: Readonly<Record<TransportName, TransportFiguresResult>> & {
    readonly socketio?: TransportFiguresResult;
  };
}

/** A lane's figures in a cell (every lane of {@link lanesOf} the run's settings has some). */
export function laneFigures(cell: CellResult, lane: BenchLane): TransportFiguresResult {
  const figures = cell.transports[lane];
  if (figures === undefined)
    throw new Error(`cell ${cell.rate}/${cell.payloadBytes} has no figures for ${lane}`);
  return figures;
}

/** Where and with what a run was made. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
}

/** Versions of what a run measured with. */
export interface Versions {
  readonly node: string;
  readonly chromium: string;
  readonly playwright: string;
}

/** Settings shared by every cell. */
export interface BenchSettings {
  readonly warmupMs: number;
  readonly durationMs: number;
  /** The page's interval-polling period and long-poll timeout (its defaults unless changed). */
  readonly pollIntervalMs: number;
  readonly longPollTimeoutMs: number;
  /** Extra server settings the run used (environment names), e.g. `HISTORY`. */
  readonly server: Readonly<Record<string, string>>;
  /** The emulated link every lane went through, as `GET /api/links` described it (`--link`); null or absent: none. */
  readonly link?: LinkInfo | null;
  /**
   * A fifth lane through the server's Socket.IO endpoint (`--socketio`), WebSocket-only: the
   * anchor of docs/benchmarks.md, configured as there. Absent or false: the four transports only.
   */
  readonly socketio?: boolean;
}

/** `results.json`. */
export interface BenchResult {
  readonly kind: "transport-lab/browser-bench";
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly versions: Versions;
  readonly settings: BenchSettings;
  readonly cells: readonly CellResult[];
}
