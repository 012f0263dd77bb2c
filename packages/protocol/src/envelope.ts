import { z } from "zod";

/** Any JSON value (what a message's `data` may hold). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One sequenced message as every transport delivers it. */
export interface Envelope {
  readonly channel: string;
  /** 1, 2, 3 … without gaps within one epoch. */
  readonly seq: number;
  /** Server wall clock (ms since 1970, fractional) when the message was sequenced. */
  readonly time: number;
  readonly data: Json;
}

/** Validates an envelope received from the server (clients use it on untrusted input). */
export const envelopeSchema = z.object({
  channel: z.string(),
  seq: z.number().int().positive(),
  time: z.number(),
  data: z.json(),
});
