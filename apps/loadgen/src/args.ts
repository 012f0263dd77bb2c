import { isTransportName, TRANSPORT_NAMES } from "@transport-lab/protocol";
import type { LoadTransport } from "./targets.ts";

/** What `--transport` takes: the protocol's four names and `socketio` (the server's Socket.IO endpoint). */
export const LOAD_TRANSPORTS: readonly LoadTransport[] = [...TRANSPORT_NAMES, "socketio"];

/**
 * The arguments as the user meant them. `pnpm bench:capacity -- --quick` and `pnpm loadgen -- run …`
 * pass pnpm's `--` separator through to the script, where `parseArgs` would take everything after
 * it as positionals ("Unexpected argument '--quick'"); no option here takes `--` as a value.
 */
export function userArgs(argv: readonly string[]): string[] {
  return argv.filter((arg) => arg !== "--");
}

/** `--transport` as the protocol names the transports, or `socketio` (`all`: the five of them). */
export function transportsOf(flag: string): LoadTransport[] {
  if (flag === "all") return [...LOAD_TRANSPORTS];
  if (isTransportName(flag) || flag === "socketio") return [flag];
  throw new Error(`--transport must be ${LOAD_TRANSPORTS.join(", ")} or all, got "${flag}"`);
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
