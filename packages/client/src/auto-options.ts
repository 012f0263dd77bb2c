import type { TransportName } from "@transport-lab/protocol";
import { type ChoiceMemory, defaultChoiceMemory } from "./choice-memory.ts";

/** How `transport: "auto"` picks a transport (docs/architecture.md, "Automatic fallback"). */
export interface AutoOptions {
  /** Transports to try, best first (default WebSocket, SSE, long polling); interval polling only last. */
  readonly order?: readonly TransportName[];
  /** A transport works once its first hello (or poll answer) arrives within this many ms (default 3000). */
  readonly openTimeoutMs?: number;
  /** How long this tab remembers the transport that worked (default 10 min); 0 remembers nothing. */
  readonly rememberMs?: number;
  /** On a transport below the first, check the better ones this often in the background (default 60 s); 0 never. */
  readonly upgradeIntervalMs?: number;
  /** Where the choice is kept: default `sessionStorage` in a browser, memory of this process on Node. */
  readonly memory?: ChoiceMemory;
}

/** {@link AutoOptions} with every default applied. */
export interface ResolvedAutoOptions {
  readonly order: readonly TransportName[];
  readonly openTimeoutMs: number;
  readonly rememberMs: number;
  readonly upgradeIntervalMs: number;
  readonly memory: ChoiceMemory;
}

/** The default order: the cheapest transport first, each next one through more proxies. */
export const DEFAULT_AUTO_ORDER: readonly TransportName[] = ["ws", "sse", "longPoll"];

/** Defaults of the timings. */
export const AUTO_DEFAULTS = { openTimeoutMs: 3000, rememberMs: 600_000, upgradeIntervalMs: 60_000 } as const;

const nonNegative = (value: number | undefined, fallback: number, what: string): number => {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`auto.${what} must be a number ≥ 0, got ${v}`);
  return v;
};

/** Checks and completes the options; throws on an order that is empty, repeats itself or polls before the end. */
export function resolveAutoOptions(options: AutoOptions = {}): ResolvedAutoOptions {
  const order = options.order ?? DEFAULT_AUTO_ORDER;
  if (order.length === 0) throw new RangeError("auto.order needs at least one transport");
  if (new Set(order).size !== order.length) throw new RangeError(`auto.order repeats itself: ${order}`);
  const poll = order.indexOf("poll");
  // Interval polling is always stale by half its interval: never worth trying before anything else.
  if (poll !== -1 && poll !== order.length - 1) throw new RangeError("auto.order may have poll only last");
  const openTimeoutMs = nonNegative(options.openTimeoutMs, AUTO_DEFAULTS.openTimeoutMs, "openTimeoutMs");
  if (openTimeoutMs === 0) throw new RangeError("auto.openTimeoutMs must be above 0");
  return {
    order: [...order],
    openTimeoutMs,
    rememberMs: nonNegative(options.rememberMs, AUTO_DEFAULTS.rememberMs, "rememberMs"),
    upgradeIntervalMs: nonNegative(
      options.upgradeIntervalMs,
      AUTO_DEFAULTS.upgradeIntervalMs,
      "upgradeIntervalMs",
    ),
    memory: options.memory ?? defaultChoiceMemory(),
  };
}
