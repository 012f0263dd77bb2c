/** The smallest of 1, 2, 5 × 10^k at or above `x` (1 when x ≤ 0): a scale end a reader can say aloud. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const step of [1, 2, 5]) if (x <= step * power * (1 + 1e-9)) return step * power;
  return 10 * power;
}
