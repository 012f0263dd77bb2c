/** A typed value and what a bounded whole-number field makes of it. */
export interface Clamped {
  readonly value: number;
  /** Why the typed value was changed, null when it was used as typed. */
  readonly note: string | null;
}

/**
 * What a whole-number field with `bounds` does with `text`: rounds and clamps it, and says so in
 * the words the URL banner uses, so that nothing is changed silently. Null for text that is not
 * a number (the field goes back to its value).
 */
export function clampTyped(
  text: string,
  bounds: { readonly min: number; readonly max: number },
): Clamped | null {
  const typed = text.trim();
  const n = Number(typed);
  if (typed === "" || !Number.isFinite(n)) return null;
  const rounded = Math.round(n);
  const value = Math.min(bounds.max, Math.max(bounds.min, rounded));
  if (n < bounds.min) return { value, note: `${typed} is below ${bounds.min}: using ${value}` };
  if (n > bounds.max) return { value, note: `${typed} is above ${bounds.max}: using ${value}` };
  if (rounded !== n) return { value, note: `${typed} is not a whole number: using ${value}` };
  return { value, note: null };
}
