import type { ByteCount, LatencySummary, MetricsSnapshot } from "@transport-lab/metrics";
import type { LinkInfo, TransportName } from "@transport-lab/protocol";

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

/** Everything one transport's panel measured in one cell's measured window. */
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
  readonly transport: TransportName;
  readonly latency: LatencyFigures;
  /** ± ms of the page's clock offset (half the best `/api/time` round trip). */
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
  readonly transports: Readonly<Record<TransportName, TransportFiguresResult>>;
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
