import type { Table } from "@transport-lab/report";
import type { RunResult } from "./run.ts";
import { baselineFor } from "./targets.ts";

/** The median of a few samples with their range: what a repeated idle cell reports. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Median, lowest and highest of `values`; undefined for none. */
export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted.at(-1) as number, n: sorted.length };
}

/** The three memory figures of one target's idle cells at one client count, each over its samples. */
export interface IdleFigures {
  /** KB per connection from RSS, read 1.5 s after the last client connected (no GC). */
  readonly rss: Spread | undefined;
  /** KB per connection from RSS, both ends read after a full GC. */
  readonly rssAfterGc: Spread | undefined;
  /** Bytes of V8 heap per connection after a full GC. */
  readonly heap: Spread | undefined;
}

/** The idle figures of `target` (`transport`, `clients` connections) among `pool`. */
export function idleFigures(
  pool: readonly RunResult[],
  target: RunResult["target"],
  transport: RunResult["spec"]["transport"],
  clients: number,
): IdleFigures {
  const runs = pool.filter(
    (r) =>
      r.spec.rate === 0 &&
      r.target === target &&
      r.spec.transport === transport &&
      r.spec.clients === clients,
  );
  const of = (figure: (r: RunResult) => number | null | undefined) =>
    spread(runs.map(figure).filter((x): x is number => x !== null && x !== undefined));
  return {
    rss: of((r) => (r.memoryPerConnection === null ? null : r.memoryPerConnection / 1024)),
    rssAfterGc: of((r) => (r.memoryAfterGc === undefined ? null : r.memoryAfterGc.rss / 1024)),
    heap: of((r) => r.memoryAfterGc?.heap),
  };
}

/** `median (min–max)` with `digits` decimals; the median alone for one sample; `–` for none. */
export function spreadText(s: Spread | undefined, digits = 1): string {
  if (s === undefined) return "–";
  const m = s.median.toFixed(digits);
  return s.n === 1 ? m : `${m} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/** Median ÷ median; null when either is missing or b's is not positive. */
export function medianOver(a: Spread | undefined, b: Spread | undefined): number | null {
  return a !== undefined && b !== undefined && b.median > 0 ? a.median / b.median : null;
}

/** {@link medianOver} with two decimals, `–` for none. */
export function medianRatio(a: Spread | undefined, b: Spread | undefined): string {
  return medianOver(a, b)?.toFixed(2) ?? "–";
}

/** The companions of a server's idle row: its raw baseline, and Socket.IO for a WebSocket row. */
export function idleCompanions(r: RunResult): {
  baseline?: RunResult["target"];
  anchor?: RunResult["target"];
} {
  const baseline = baselineFor(r.spec.transport, 0);
  return {
    ...(baseline === undefined ? {} : { baseline }),
    ...(r.spec.transport === "ws" ? { anchor: "socketio-baseline" as const } : {}),
  };
}

/** One row per (transport, client count) of this server. */
function serverGroups(idle: readonly RunResult[]): RunResult[] {
  const seen = new Set<string>();
  return idle.filter((r) => {
    const key = `${r.spec.transport}|${r.spec.clients}`;
    if (r.target !== "server" || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const IDLE_NOTE =
  "KB/conn: (server RSS with every client connected, 1.5 s after the last one − RSS before) / connections, each target freshly started. after GC: the same with both RSS readings taken after a full garbage collection (through the target's inspector), which leaves out what the handshakes left for the collector; heap B/conn: V8 heap used after a full GC with every client connected − after one once they have all closed, per connection (the connections' own objects, without code compiled or channels made on the way). Repeated cells: median (lowest–highest) over the samples, ratios of medians. Baseline: raw ws (WebSocket), node:http (SSE, long polling), Socket.IO itself (the server's Socket.IO endpoint); ×sio: this server's WebSocket against Socket.IO's.";

/** The idle-memory table of a run or capacity suite: medians over repeated cells, same-run ratios. */
export function idleTable(idle: readonly RunResult[]): Table {
  return {
    title: "Idle memory per connection",
    note: IDLE_NOTE,
    head: [
      "transport",
      "connections",
      "samples",
      "server KB/conn",
      "baseline KB/conn",
      "×base",
      "Socket.IO KB/conn",
      "×sio",
      "server KB after GC",
      "baseline KB after GC",
      "×base after GC",
      "server heap B/conn",
      "baseline heap B/conn",
      "×base heap",
      "healthz max ms",
    ],
    keys: 2,
    rows: serverGroups(idle).map((r) => {
      const { transport, clients } = r.spec;
      const { baseline, anchor } = idleCompanions(r);
      const figures = (target: RunResult["target"] | undefined, t = transport) =>
        target === undefined
          ? { rss: undefined, rssAfterGc: undefined, heap: undefined }
          : idleFigures(idle, target, target === "socketio-baseline" ? "socketio" : t, clients);
      const s = figures("server");
      const b = figures(baseline);
      const a = figures(anchor);
      const healthz = idle
        .filter((x) => x.target === "server" && x.spec.transport === transport && x.spec.clients === clients)
        .map((x) => x.server.healthzMsMax);
      return [
        transport,
        String(clients),
        String(s.rss?.n ?? 0),
        spreadText(s.rss),
        spreadText(b.rss),
        medianRatio(s.rss, b.rss),
        spreadText(a.rss),
        anchor === undefined ? "–" : medianRatio(s.rss, a.rss),
        spreadText(s.rssAfterGc),
        spreadText(b.rssAfterGc),
        medianRatio(s.rssAfterGc, b.rssAfterGc),
        spreadText(s.heap, 0),
        spreadText(b.heap, 0),
        medianRatio(s.heap, b.heap),
        Math.max(...healthz).toFixed(1),
      ];
    }),
  };
}
