/** Schedules a callback for the next animation frame; returns a cancel function. */
export type FrameScheduler = (callback: (time: number) => void) => () => void;

/** `requestAnimationFrame`, falling back to a 16 ms timer where there is none (tests, workers). */
export const animationFrames: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === "function") {
    const id = requestAnimationFrame(callback);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(() => callback(performance.now()), 16);
  return () => clearTimeout(id);
};

/** Options for {@link createFrameBatcher}. */
export interface FrameBatcherOptions {
  /** Called at most once per frame, and no more often than every `minIntervalMs`. */
  readonly flush: (time: number) => void;
  /** Minimum time between flushes (default 0: every frame that has changes). */
  readonly minIntervalMs?: number;
  readonly schedule?: FrameScheduler;
}

/** Coalesces any number of `mark()` calls into one flush per animation frame. */
export interface FrameBatcher {
  /** Something changed: make sure a flush is coming. */
  mark(): void;
  /** Cancels any pending frame. */
  dispose(): void;
}

/**
 * Turns thousands of events per second into at most one render per frame:
 * events only set a dirty flag; the frame callback does the work once. With
 * `minIntervalMs`, frames that come too soon are skipped (and re-requested),
 * so figures change at a readable pace while the page stays responsive.
 */
export function createFrameBatcher(options: FrameBatcherOptions): FrameBatcher {
  const { flush, minIntervalMs = 0, schedule = animationFrames } = options;
  let dirty = false;
  let cancel: (() => void) | undefined;
  let lastFlush = Number.NEGATIVE_INFINITY;
  let disposed = false;

  const onFrame = (time: number) => {
    cancel = undefined;
    if (!dirty || disposed) return;
    if (time - lastFlush < minIntervalMs) {
      cancel = schedule(onFrame);
      return;
    }
    dirty = false;
    lastFlush = time;
    flush(time);
  };

  return {
    mark() {
      dirty = true;
      if (cancel === undefined && !disposed) cancel = schedule(onFrame);
    },
    dispose() {
      disposed = true;
      cancel?.();
      cancel = undefined;
    },
  };
}
