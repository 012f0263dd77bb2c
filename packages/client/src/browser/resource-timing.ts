/** Receives the Resource Timing entry of a request, or undefined when none came in time. */
export type TimingCallback = (entry: PerformanceResourceTiming | undefined) => void;

interface Waiter {
  /** performance.now() just before the request started: its entry cannot start earlier. */
  readonly notBefore: number;
  readonly callback: TimingCallback;
}

const waiters = new Map<string, Waiter[]>();
/** Resource Timing start times are coarsened (100 µs in Chromium); allow for it. */
const CLOCK_SLACK_MS = 1;
let observer: PerformanceObserver | undefined;

/**
 * Gives an entry to the request it belongs to: the latest waiter for that URL that had started
 * by the entry's start time. Successive polls with an unchanged cursor share a URL, so an entry
 * that arrives after its own request gave up waiting must not be credited to the next one: it
 * started before every remaining waiter and is dropped.
 */
export function deliver(entry: PerformanceResourceTiming): void {
  const queue = waiters.get(entry.name);
  if (queue === undefined) return;
  let match = -1;
  for (let i = 0; i < queue.length; i++) {
    if ((queue[i] as Waiter).notBefore <= entry.startTime + CLOCK_SLACK_MS) match = i;
  }
  if (match === -1) return;
  const [waiter] = queue.splice(match, 1);
  if (queue.length === 0) waiters.delete(entry.name);
  waiter?.callback(entry);
}

/**
 * Calls `callback` with the Resource Timing entry of the `fetch` (or XMLHttpRequest) of `url`
 * started at or after `notBefore` (one shared PerformanceObserver, so the 250-entry
 * performance buffer limit does not matter), or with undefined after
 * `timeoutMs`. Returns a cancel function.
 */
export function onResourceTiming(
  url: string,
  notBefore: number,
  timeoutMs: number,
  callback: TimingCallback,
): () => void {
  if (typeof PerformanceObserver === "undefined") {
    callback(undefined);
    return () => {};
  }
  if (observer === undefined) {
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        // XMLHttpRequest: engine.io-client's long polling (the Socket.IO lane).
        const initiator = (entry as PerformanceResourceTiming).initiatorType;
        if (initiator === "fetch" || initiator === "xmlhttprequest")
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
  const waiter: Waiter = { notBefore, callback: wrapped };
  const queue = waiters.get(url);
  if (queue === undefined) waiters.set(url, [waiter]);
  else queue.push(waiter);
  const cancel = () => {
    const list = waiters.get(url);
    if (list !== undefined) {
      const i = list.indexOf(waiter);
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
