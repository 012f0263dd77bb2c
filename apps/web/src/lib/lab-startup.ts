import type { ClockTracker } from "@transport-lab/metrics";
import { formatCursor, parseCursor } from "@transport-lab/protocol";
import { LIMITS, type ReceivedMessage } from "./lab-view.ts";
import { isChatData } from "./message-kind.ts";
import type { ServerApi } from "./server-api.ts";

/** What the page learns before it starts its clients. */
export interface StartPoint {
  /** The channel head: every lane starts here. */
  readonly cursor: string;
  readonly headSeq: number;
  /** Chat lines from before the page joined, oldest first. */
  readonly history: ReceivedMessage[];
}

/** A wait for one answer this long means something is wrong (the connection budget, usually). */
export const START_STALL_MS = 5000;

/**
 * One start attempt: the clock tracker's first round (it keeps improving afterwards), the channel
 * head, and the chat lines just before it. `step` is told what is being waited for.
 */
export async function findStartPoint(
  api: ServerApi,
  channel: string,
  clock: ClockTracker,
  now: () => number,
  step: (detail: string) => void,
): Promise<StartPoint> {
  step("measuring the clock offset");
  await clock.start();
  step("finding the channel head");
  const head = await api.peek(channel);
  const parsed = parseCursor(head.cursor);
  const headAt = parsed?.kind === "at" ? parsed : null;
  const headSeq = headAt?.seq ?? 0;
  let history: ReceivedMessage[] = [];
  if (headAt !== null && headSeq > 0) {
    const from = formatCursor(headAt.epoch, Math.max(0, headSeq - LIMITS.history));
    const past = await api.peek(channel, from);
    const at = now();
    history = past.messages
      .filter((m) => m.seq <= headSeq && isChatData(m.data))
      .map((m) => ({
        seq: m.seq,
        time: m.time,
        receivedAt: at,
        latency: null,
        data: m.data,
        transport: "poll",
      }));
  }
  return { cursor: head.cursor, headSeq, history };
}
