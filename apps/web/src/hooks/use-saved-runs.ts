import { useCallback, useState } from "react";
import { loadRuns, type RunStorage, type SavedRun, storeRuns } from "../lib/saved-runs.ts";

function storage(): RunStorage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

/** The runs kept in this browser (newest first), and whether the last save reached its storage. */
export function useSavedRuns(): {
  runs: readonly SavedRun[];
  stored: boolean;
  add: (run: SavedRun) => void;
  remove: (id: string) => void;
} {
  const [runs, setRuns] = useState<readonly SavedRun[]>(() => loadRuns(storage()));
  const [stored, setStored] = useState(true);
  const save = useCallback((next: readonly SavedRun[]) => {
    const result = storeRuns(storage(), next);
    setRuns(result.kept);
    setStored(result.stored);
  }, []);
  const add = useCallback((run: SavedRun) => save([run, ...runs]), [runs, save]);
  const remove = useCallback((id: string) => save(runs.filter((r) => r.id !== id)), [runs, save]);
  return { runs, stored, add, remove };
}
