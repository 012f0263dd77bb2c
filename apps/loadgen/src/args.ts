import { isTransportName, TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";

/**
 * The arguments as the user meant them. `pnpm bench:capacity -- --quick` and `pnpm loadgen -- run …`
 * pass pnpm's `--` separator through to the script, where `parseArgs` would take everything after
 * it as positionals ("Unexpected argument '--quick'"); no option here takes `--` as a value.
 */
export function userArgs(argv: readonly string[]): string[] {
  return argv.filter((arg) => arg !== "--");
}

/** `--transport` as the protocol names the transports (`all`: the four of them). */
export function transportsOf(flag: string): TransportName[] {
  if (flag === "all") return [...TRANSPORT_NAMES];
  if (isTransportName(flag)) return [flag];
  throw new Error(`--transport must be ${TRANSPORT_NAMES.join(", ")} or all, got "${flag}"`);
}

/** A whole or fractional number option within bounds; `fallback` when absent. */
export function numberOption(
  values: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}
