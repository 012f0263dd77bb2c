import { useCallback, useEffect, useRef, useState } from "react";
import type { LabConnection } from "../lib/lab-connection.ts";
import type { RunFigures } from "../lib/saved-runs.ts";

/** Where a recording is. */
export type RecorderState =
  | { readonly kind: "idle" }
  | { readonly kind: "recording"; readonly startedAt: number; readonly durationMs: number };

/** Durations the Record button offers, in seconds (5 s: a quick look in class, and what the tests use). */
export const RECORD_SECONDS = [5, 10, 30, 60] as const;

/**
 * Record: zeroes every figure (each client reconnects from its cursor, as "Reset metrics" does),
 * waits `durationMs`, then hands the window's figures (histograms included) to `done`. A new
 * connection (another channel or mode) cancels a recording in progress.
 */
export function useRecorder(
  connection: LabConnection | null,
  done: (figures: RunFigures[], window: { startedAt: number; durationMs: number }) => void,
): { state: RecorderState; start: (durationMs: number) => void; cancel: () => void } {
  const [state, setState] = useState<RecorderState>({ kind: "idle" });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const doneRef = useRef(done);
  doneRef.current = done;
  const cancel = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    setState({ kind: "idle" });
  }, []);
  useEffect(() => cancel, [connection, cancel]);
  const start = useCallback(
    (durationMs: number) => {
      if (connection === null) return;
      clearTimeout(timer.current);
      connection.resetMetrics();
      const startedAt = Date.now();
      setState({ kind: "recording", startedAt, durationMs });
      timer.current = setTimeout(() => {
        timer.current = undefined;
        setState({ kind: "idle" });
        doneRef.current(connection.exportFigures(), { startedAt, durationMs });
      }, durationMs);
    },
    [connection],
  );
  return { state, start, cancel };
}
