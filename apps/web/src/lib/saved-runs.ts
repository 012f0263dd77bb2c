import type { GeneratorState, LinkInfo } from "@transport-lab/protocol";
import type { ContinuityView, TransportFigures } from "./lab-view.ts";
import type { Settings } from "./settings.ts";

/** One transport's figures in a run: the client's (histogram included) and the page's own check. */
export interface RunFigures extends TransportFigures {
  /** The page's continuity check of the lane (compare mode), null in single mode. */
  readonly check: ContinuityView | null;
}

/** A measured window kept in this browser: what was measured, under which settings, on which server. */
export interface SavedRun {
  readonly kind: "transport-lab/run";
  readonly version: 1;
  readonly id: string;
  readonly label: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly mode: "compare" | "single";
  readonly settings: Settings;
  /** The emulated network every lane went through, as the server described it; null: none (absent in runs saved before networks). */
  readonly network?: LinkInfo | null;
  /** The generator as the server reported it when the window started (null: not known). */
  readonly generator: Omit<GeneratorState, "channel"> | null;
  readonly server: {
    /** The web build served by the server (`git describe` of the build, or "dev"). */
    readonly build: string;
    /** The channel's epoch: a new one means the server restarted. */
    readonly epoch: string | null;
    readonly historySize: number | null;
  };
  readonly userAgent: string;
  readonly transports: readonly RunFigures[];
}

const KEY = "transport-lab.runs";
/** Runs kept; the oldest goes first. A run with four histograms is a few tens of KiB. */
export const MAX_RUNS = 12;

/** Where runs are kept (localStorage in the page; a Map in tests). */
export interface RunStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The saved runs, newest first; anything unreadable is dropped rather than thrown. */
export function loadRuns(storage: RunStorage | null): SavedRun[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((r): r is SavedRun => isRun(r)) : [];
  } catch {
    return [];
  }
}

function isRun(value: unknown): value is SavedRun {
  const r = value as Partial<SavedRun> | null;
  return (
    r !== null &&
    typeof r === "object" &&
    r.kind === "transport-lab/run" &&
    r.version === 1 &&
    Array.isArray(r.transports)
  );
}

/**
 * Saves `runs` (newest first, at most {@link MAX_RUNS}); when the browser's storage is full, drops
 * the oldest until they fit. Returns what was kept and whether every run could be stored.
 */
export function storeRuns(
  storage: RunStorage | null,
  runs: readonly SavedRun[],
): { kept: SavedRun[]; stored: boolean } {
  const kept = runs.slice(0, MAX_RUNS);
  if (storage === null) return { kept, stored: false };
  for (let n = kept.length; n >= 0; n--) {
    try {
      storage.setItem(KEY, JSON.stringify(kept.slice(0, n)));
      return { kept, stored: n === kept.length };
    } catch {
      // Quota exceeded: try with one run fewer.
    }
  }
  return { kept, stored: false };
}

/** A run's short name: "compare · 4g · 30 s · 100 msg/s × 64 B" (no network named when there was none). */
export function runLabel(
  mode: "compare" | "single",
  durationMs: number,
  generator: SavedRun["generator"],
  network = "",
): string {
  const gen =
    generator === null
      ? "generator unknown"
      : generator.running
        ? `${generator.rate} msg/s × ${generator.payloadBytes} B`
        : "generator off";
  return `${mode}${network === "" ? "" : ` · ${network}`} · ${Math.round(durationMs / 1000)} s · ${gen}`;
}
