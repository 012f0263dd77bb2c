/** Adds `by` to a per-key count (connections per address, unsent bytes, …), forgetting keys that reach 0. */
export function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
