import { useEffect, useRef, useState } from "react";

/** `value`, but changing at most once every `ms`: the latest value always lands, at most `ms` late. */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    const since = performance.now() - last.current;
    if (since >= ms) {
      last.current = performance.now();
      setShown(value);
      return;
    }
    const timer = setTimeout(() => {
      last.current = performance.now();
      setShown(latest.current);
    }, ms - since);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}
