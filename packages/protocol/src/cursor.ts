/**
 * A cursor names a position in one channel's log: `<epoch>:<seq>` means
 * "I have everything up to and including seq of that epoch".
 */
export type Cursor =
  | { readonly kind: "live" }
  | { readonly kind: "earliest" }
  | { readonly kind: "at"; readonly epoch: string; readonly seq: number };

/** Epochs are opaque to clients; the server makes them from [A-Za-z0-9_-]. */
const EPOCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const SEQ_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

/** The query value that asks for the oldest retained message. */
export const EARLIEST = "earliest";

/** Formats an epoch and seq as the wire cursor string. */
export function formatCursor(epoch: string, seq: number): string {
  return `${epoch}:${seq}`;
}

/**
 * Parses a `?cursor=` value (or SSE `Last-Event-ID`). `undefined`/empty means
 * live; returns `null` when the string is not a cursor at all.
 */
export function parseCursor(raw: string | null | undefined): Cursor | null {
  if (raw === undefined || raw === null || raw === "") return { kind: "live" };
  if (raw === EARLIEST) return { kind: "earliest" };
  const colon = raw.lastIndexOf(":");
  if (colon <= 0) return null;
  const epoch = raw.slice(0, colon);
  const seqText = raw.slice(colon + 1);
  if (!EPOCH_PATTERN.test(epoch) || !SEQ_PATTERN.test(seqText)) return null;
  const seq = Number(seqText);
  if (!Number.isSafeInteger(seq)) return null;
  return { kind: "at", epoch, seq };
}
