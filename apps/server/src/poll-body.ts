import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { formatCursor, type ResetReason, type ServerTransportCounters } from "@transport-lab/protocol";
import type { ChannelLog } from "./channel-log.ts";
import type { AppContext } from "./context.ts";
import type { LogEntry } from "./log-entry.ts";
import type { StartPoint } from "./resolve-cursor.ts";

/** Headers of every poll and long-poll answer. */
export const POLL_HEADERS = { "content-type": "application/json", "cache-control": "no-store" } as const;

/**
 * The JSON answer of poll and long-poll, encoded once, assembled from each
 * entry's cached envelope JSON: `{"cursor","messages":[…],"reset"?,"more"?}`.
 */
export function pollBody(start: StartPoint, entries: readonly LogEntry[], more = false): Buffer<ArrayBuffer> {
  const last = entries[entries.length - 1];
  if (last && entries.length === 1 && !more && start.reset === undefined && last.seq === start.afterSeq + 1) {
    return last.pollBody;
  }
  const cursor = last ? formatCursor(last.epoch, last.seq) : start.cursor;
  const messages = entries.map((e) => e.json).join(",");
  const reset = start.reset === undefined ? "" : `,"reset":${resetJson(start.reset)}`;
  return Buffer.from(`{"cursor":"${cursor}","messages":[${messages}]${reset}${more ? ',"more":true' : ""}}`);
}

const resetJson = (reason: ResetReason) => `{"reason":"${reason}"}`;

/** A poll answer and how many messages it carries. */
export interface PollAnswer {
  readonly body: Buffer<ArrayBuffer>;
  readonly messages: number;
}

/**
 * What follows `start`, at most `maxBytes` of envelopes (the first always) and `limit` of them;
 * `more` when that cut the answer short of the head.
 */
export async function readPollAnswer(
  log: ChannelLog,
  start: StartPoint,
  limit: number,
  maxBytes: number,
): Promise<PollAnswer> {
  const entries = await log.readAfter(start.afterSeq, limit, maxBytes);
  const first = entries[0];
  const last = entries[entries.length - 1];
  const more = last !== undefined && last.seq < log.state().seq;
  // Evicted between resolving the cursor and reading (a log shared by several instances): say so.
  if (first && first.seq > start.afterSeq + 1 && start.reset === undefined) {
    const afterSeq = first.seq - 1;
    const expired: StartPoint = { afterSeq, cursor: formatCursor(first.epoch, afterSeq), reset: "expired" };
    return { body: pollBody(expired, entries, more), messages: entries.length };
  }
  return { body: pollBody(start, entries, more), messages: entries.length };
}

/**
 * The answer of a poll (or a long-poll that need not wait) right now, counted in `stats`: what
 * follows `start` in `name`, or nothing for a channel that does not exist (it is not made). Its
 * size also stays within what the address may still leave unsent (unsent-answers.ts),
 * and it counts there until `to.res` has sent it.
 */
export async function answerNow(
  ctx: AppContext,
  name: string,
  start: StartPoint,
  stats: ServerTransportCounters,
  to: { readonly address: string; readonly res: ServerResponse; readonly socket: Socket },
): Promise<Buffer<ArrayBuffer>> {
  const { hub, options, unsentAnswers } = ctx;
  let answer: PollAnswer = { body: pollBody(start, []), messages: 0 };
  const channel = hub.find(name);
  if (channel) channel.lastActivity = performance.now();
  const log = hub.logOf(name);
  if (log) {
    const reservation = unsentAnswers.reserve(to.address, options.maxPollBytes);
    try {
      answer = await readPollAnswer(log, start, options.historySize, reservation.bytes);
    } catch (err) {
      reservation.cancel();
      throw err;
    }
    reservation.send(to.res, to.socket, answer.body.length);
  }
  stats.messagesOut += answer.messages;
  stats.bytesOut += answer.body.length;
  return answer.body;
}
