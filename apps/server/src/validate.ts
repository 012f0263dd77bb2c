import type { z } from "zod";

/** Outcome of {@link validate}: zod's output, or the first issue as `path: message`. */
export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Validates untrusted JSON against a schema. zod validates recursively, so
 * input nested deeply enough (a few thousand levels fit in 64 KiB) overflows
 * the stack: that is a client error like any other, not a 500.
 */
export function validate<T extends z.ZodType>(schema: T, value: unknown): Validated<z.infer<T>> {
  let result: z.ZodSafeParseResult<z.infer<T>>;
  try {
    result = schema.safeParse(value);
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, message: "JSON is nested too deeply" };
    throw err;
  }
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return { ok: false, message: `${where}${issue?.message ?? "invalid value"}` };
}

/**
 * A non-negative integer written in plain decimal, or `undefined`. `Number()` would also take
 * "0x10", " 5", "1e3" and "", which a limit or a timeout must not.
 */
export function parseDecimal(raw: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}
