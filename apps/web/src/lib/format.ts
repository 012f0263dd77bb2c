/** Shown for a figure that has no value yet (no message, no sample). */
export const NONE = "–";

/** Milliseconds: `0.42 ms`, `12.3 ms`, `812 ms`, `2.41 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  const abs = Math.abs(ms);
  if (abs >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs >= 100) return `${Math.round(ms)} ms`;
  if (abs >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** A clock-offset uncertainty as `±1.2 ms`. */
export function formatUncertainty(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  return `±${formatMs(ms)}`;
}

/**
 * A delivery latency as a student should read it. A figure below the clock offset's uncertainty
 * says nothing but "faster than this page can measure": it is shown as `< ±0.61 ms`, and a
 * latency is never shown negative (the offset's error can push a measured one below 0).
 */
export function formatLatency(ms: number | null | undefined, uncertainty: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  if (uncertainty !== null && uncertainty !== undefined && Number.isFinite(uncertainty) && ms < uncertainty) {
    return `< ${formatUncertainty(uncertainty)}`;
  }
  return formatMs(Math.max(0, ms));
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `12.0 MiB`. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return NONE;
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${Math.round(bytes)} B`;
  if (abs < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (abs < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

// One formatter for every count: toLocaleString builds a new one per call, which shows up in profiles.
const COUNT_FORMAT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A count with thousands separators: `1,234,567`. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NONE;
  return COUNT_FORMAT.format(Math.round(n));
}

/**
 * A per-message ratio, with enough digits to tell 0.0010 from 0.0100:
 * requests per message over a WebSocket is tiny, over interval polling it can be above 1.
 */
export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 0.1) return value.toFixed(2);
  if (abs >= 0.001) return value.toFixed(4);
  return value.toExponential(1);
}

/** A rate per second: `12.5/s`, `1,234/s`. */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return NONE;
  if (perSecond >= 100) return `${formatCount(perSecond)}/s`;
  return `${perSecond.toFixed(1)}/s`;
}

/** A duration in seconds as `42 s`, `3 min 05 s`, `2 h 03 min`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return NONE;
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** A percentage of `part` in `whole`: `37%`, or `–` when whole is 0. */
export function formatShare(part: number, whole: number): string {
  if (whole <= 0) return NONE;
  const pct = (part / whole) * 100;
  return pct > 0 && pct < 1 ? "<1%" : `${Math.round(pct)}%`;
}

/** A client wall-clock time as `HH:MM:SS.mmm` (local time), for wire and chat lines. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
