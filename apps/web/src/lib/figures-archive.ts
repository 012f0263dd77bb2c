import type { Client, ClientSnapshot, TransportExtras } from "@transport-lab/client";
import { type MetricsSnapshot, mergeSnapshots } from "@transport-lab/metrics";
import type { TransportFigures } from "./lab-view.ts";
import type { LaneName } from "./lane-names.ts";

interface Archived {
  readonly metrics: MetricsSnapshot;
  /** The last retired client's extras (they do not merge; the snapshot's counts do). */
  readonly extras: TransportExtras<LaneName> | null;
}

/**
 * The figures of a lane's retired clients (paused, replaced for a new poll interval, switched
 * away from), per transport, each folded into one snapshot with its histogram the moment the
 * client retires, so that a lane paused and resumed many times still merges two parts per view.
 * Every count a panel divides (empty answers of all `responses`, requests per message) is in the
 * snapshot, so a share stays a share of the same clients.
 */
export class FiguresArchive {
  readonly #parts = new Map<LaneName, Archived>();

  /** Folds every transport `client` has used into the archive. */
  fold(client: Client<LaneName>, now: number): void {
    const snap = client.snapshot();
    for (const transport of Object.keys(snap.transports) as LaneName[]) {
      const prior = this.#parts.get(transport);
      const metrics = client.metrics(transport, true);
      this.#parts.set(transport, {
        metrics: prior === undefined ? metrics : mergeSnapshots([prior.metrics, metrics], now),
        extras: snap.transports[transport]?.extras ?? prior?.extras ?? null,
      });
    }
  }

  clear(): void {
    this.#parts.clear();
  }

  /**
   * The figures of `transport`: the archive plus the live client's, null when neither has any.
   * `snap` is the live client's snapshot when the caller already took one this view.
   */
  figures(
    transport: LaneName,
    client: Client<LaneName> | null,
    histogram: boolean,
    now: number,
    snap: ClientSnapshot<LaneName> | undefined = client?.snapshot(),
  ): TransportFigures | null {
    const entry = client === null ? undefined : snap?.transports[transport];
    const archived = this.#parts.get(transport);
    if (entry === undefined && archived === undefined) return null;
    const extras = entry?.extras ?? archived?.extras ?? null;
    if (archived === undefined && entry !== undefined && client !== null) {
      return { transport, metrics: histogram ? client.metrics(transport, true) : entry.metrics, extras };
    }
    const live = entry !== undefined && client !== null ? client.metrics(transport, true) : undefined;
    const merged = mergeSnapshots(
      [...(archived === undefined ? [] : [archived.metrics]), ...(live === undefined ? [] : [live])],
      now,
    );
    if (histogram) return { transport, metrics: merged, extras };
    const { histogram: _dropped, ...rest } = merged;
    return { transport, metrics: rest, extras };
  }
}
