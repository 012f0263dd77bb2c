import type { RunResult } from "./run.ts";

/** Schedule p99 past which a target is behind its own generator: its window counts backlog. */
export const OVERLOADED_MS = 1000;

/** `a / b` with two decimals; `–` when either is missing or b is not positive. */
export function ratio(a: number | null, b: number | null): string {
  return a !== null && b !== null && b > 0 ? (a / b).toFixed(2) : "–";
}

/**
 * A figure of this server against its baseline's, when both kept up with the schedule. An
 * overloaded target delivers its backlog inside the window (more than the offered rate, or
 * less), and its latency from sequencing leaves out the time messages waited to be generated,
 * so a ratio of two such windows compares nothing.
 */
export function sameRunRatio(
  r: RunResult,
  b: RunResult | undefined,
  figure: (x: RunResult) => number | null,
): string {
  if (b === undefined) return "–";
  return behindSchedule(r) || behindSchedule(b) ? "overloaded" : ratio(figure(r), figure(b));
}

/** Whether `r` fell over {@link OVERLOADED_MS} behind its schedule (p99), so its window holds backlog. */
export function behindSchedule(r: RunResult): boolean {
  return (r.latencyScheduled.p99 ?? Number.POSITIVE_INFINITY) > OVERLOADED_MS;
}

/** Memory per connection against the baseline's: no schedule involved (it is read before any message). */
export function memoryRatio(r: RunResult, b: RunResult | undefined): string {
  return b === undefined ? "–" : ratio(r.memoryPerConnection, b.memoryPerConnection);
}

/** The baseline run of `r` among `pool`: same transport, rate and client count, another target. */
export function baselineOf(r: RunResult, pool: readonly RunResult[]): RunResult | undefined {
  return pool.find(
    (b) =>
      b.target !== "server" &&
      b.target !== "url" &&
      b.spec.transport === r.spec.transport &&
      b.spec.rate === r.spec.rate &&
      b.spec.clients === r.spec.clients,
  );
}

/**
 * The Socket.IO anchor of `r` among `pool`: Socket.IO's own server (`socketio-baseline`) at the
 * same rate and client count, what a WebSocket row of this server is set against besides raw `ws`.
 */
export function anchorOf(r: RunResult, pool: readonly RunResult[]): RunResult | undefined {
  return pool.find(
    (b) =>
      b.target === "socketio-baseline" && b.spec.rate === r.spec.rate && b.spec.clients === r.spec.clients,
  );
}
