/** Receives the Resource Timing entry of a request, or undefined when none came in time. */
export type TimingCallback = (entry: PerformanceResourceTiming | undefined) => void;

const waiters = new Map<string, TimingCallback[]>();
let observer: PerformanceObserver | undefined;

function deliver(entry: PerformanceResourceTiming): void {
  const queue = waiters.get(entry.name);
  const callback = queue?.shift();
  if (queue !== undefined && queue.length === 0) waiters.delete(entry.name);
  callback?.(entry);
}

/**
 * Calls `callback` with the Resource Timing entry of the next completed
 * `fetch` of `url` (one shared PerformanceObserver, so the 250-entry
 * performance buffer limit does not matter), or with undefined after
 * `timeoutMs`. Returns a cancel function.
 */
export function onResourceTiming(url: string, timeoutMs: number, callback: TimingCallback): () => void {
  if (typeof PerformanceObserver === "undefined") {
    callback(undefined);
    return () => {};
  }
  if (observer === undefined) {
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if ((entry as PerformanceResourceTiming).initiatorType === "fetch")
          deliver(entry as PerformanceResourceTiming);
      }
    });
    observer.observe({ type: "resource" });
  }
  let done = false;
  const wrapped: TimingCallback = (entry) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    callback(entry);
  };
  const queue = waiters.get(url);
  if (queue === undefined) waiters.set(url, [wrapped]);
  else queue.push(wrapped);
  const cancel = () => {
    const list = waiters.get(url);
    if (list !== undefined) {
      const i = list.indexOf(wrapped);
      if (i !== -1) list.splice(i, 1);
      if (list.length === 0) waiters.delete(url);
    }
  };
  const timer = setTimeout(() => {
    cancel();
    wrapped(undefined);
  }, timeoutMs);
  return () => {
    cancel();
    wrapped(undefined);
  };
}
