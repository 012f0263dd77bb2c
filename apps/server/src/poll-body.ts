import { formatCursor, type ResetReason } from "@transport-lab/protocol";
import type { LogEntry } from "./log-entry.ts";
import type { StartPoint } from "./resolve-cursor.ts";

/**
 * The JSON answer of poll and long-poll, assembled from each entry's cached
 * envelope JSON: `{"cursor","messages":[…],"reset"?}`.
 */
export function pollBody(epoch: string, start: StartPoint, entries: readonly LogEntry[]): string {
  const last = entries[entries.length - 1];
  if (last && entries.length === 1 && start.reset === undefined && last.seq === start.afterSeq + 1) {
    return last.pollBody;
  }
  const cursor = formatCursor(epoch, last ? last.seq : start.afterSeq);
  const messages = entries.map((e) => e.json).join(",");
  const reset = start.reset === undefined ? "" : `,"reset":${resetJson(start.reset)}`;
  return `{"cursor":"${cursor}","messages":[${messages}]${reset}}`;
}

const resetJson = (reason: ResetReason) => `{"reason":"${reason}"}`;
