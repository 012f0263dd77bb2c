import type { BenchLane, TransportFiguresResult } from "./bench-result.ts";

/** How late a transport may deliver before it counts as fallen behind, in ms beyond its design. */
export const BEHIND_ALLOWANCE_MS = 1000;

/**
 * What each transport's figures say went wrong, in a report's words: a transport that fell
 * behind (its p50 past what its design explains: a second for the push transports and long
 * polling, the poll interval plus a second for interval polling; through a link one and a half
 * round trips more: the one-way delay, and long polling's wait for its next request), one that
 * fell behind at times (p99 five times past that), and one that lost messages (a reset skipped
 * what the server no longer kept). Caught up at the end is not the same as kept up.
 */
export function deliveryProblems(
  transports: Readonly<Partial<Record<BenchLane, TransportFiguresResult>>>,
  pollIntervalMs: number,
  linkRttMs = 0,
): string[] {
  const problems: string[] = [];
  for (const [t, f] of Object.entries(transports) as [BenchLane, TransportFiguresResult | undefined][]) {
    if (f === undefined) continue;
    const allowance = BEHIND_ALLOWANCE_MS + 1.5 * linkRttMs + (t === "poll" ? pollIntervalMs : 0);
    const { p50, p99 } = f.latency;
    if (p50 !== null && p50 > allowance) {
      problems.push(
        `${t} fell behind: p50 ${seconds(p50)} (its design explains up to ${seconds(allowance)})`,
      );
    } else if (p99 !== null && p99 > 5 * allowance) {
      problems.push(
        `${t} fell behind at times: p99 ${seconds(p99)} (its design explains up to ${seconds(allowance)})`,
      );
    }
    if (f.lost > 0) {
      problems.push(
        `${t} lost ${f.lost.toLocaleString("en-US")} messages: a reset skipped what the server no longer kept`,
      );
    }
  }
  return problems;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
