import { useEffect, useState } from "react";

/** The last two results of a periodic fetch, with the seconds between them. */
export interface Polled<T> {
  readonly current: T | null;
  readonly previous: T | null;
  /** Seconds between `previous` and `current`. */
  readonly seconds: number;
  readonly error: unknown;
}

/**
 * Calls `load` every `intervalMs` while `enabled` (one call at a time), keeping the last two answers.
 * A new `load` starts over with an immediate call (e.g. another channel), so it must be stable
 * between renders (`useCallback`), or every render would fetch again.
 */
export function usePolled<T>(load: () => Promise<T>, intervalMs: number, enabled: boolean): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ current: null, previous: null, seconds: 0, error: null });
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastAt = 0;
    const tick = async () => {
      try {
        const value = await load();
        const at = performance.now();
        if (stopped) return;
        // Computed here, not in the updater: React may run the updater after lastAt has moved on.
        const seconds = lastAt === 0 ? 0 : (at - lastAt) / 1000;
        lastAt = at;
        setState((s) => ({ current: value, previous: s.current, seconds, error: null }));
      } catch (error) {
        if (!stopped) setState((s) => ({ ...s, error }));
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [load, intervalMs, enabled]);
  return state;
}
