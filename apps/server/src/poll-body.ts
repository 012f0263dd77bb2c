import { formatCursor, type ResetReason } from "@transport-lab/protocol";
import type { LogEntry } from "./log-entry.ts";
import type { StartPoint } from "./resolve-cursor.ts";

/**
 * The JSON answer of poll and long-poll, encoded once, assembled from each
 * entry's cached envelope JSON: `{"cursor","messages":[…],"reset"?}`.
 */
export function pollBody(start: StartPoint, entries: readonly LogEntry[]): Buffer<ArrayBuffer> {
  const last = entries[entries.length - 1];
  if (last && entries.length === 1 && start.reset === undefined && last.seq === start.afterSeq + 1) {
    return last.pollBody;
  }
  const cursor = last ? formatCursor(last.epoch, last.seq) : start.cursor;
  const messages = entries.map((e) => e.json).join(",");
  const reset = start.reset === undefined ? "" : `,"reset":${resetJson(start.reset)}`;
  return Buffer.from(`{"cursor":"${cursor}","messages":[${messages}]${reset}}`);
}

const resetJson = (reason: ResetReason) => `{"reason":"${reason}"}`;
