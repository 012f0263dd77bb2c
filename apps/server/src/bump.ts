/** +1 / −1 on a per-key count (connections per address, …), forgetting keys that reach 0. */
export function bump(map: Map<string, number>, key: string, by: 1 | -1): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
