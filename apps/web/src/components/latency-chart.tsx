import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatLatency, formatMs } from "../lib/format.ts";
import { LANE_NAMES, type LaneName, SOCKET_IO_LANE } from "../lib/lane-names.ts";
import {
  type AlignedSeries,
  bridgeGaps,
  LATENCY_SERIES_DEFAULTS,
  latestValues,
} from "../lib/latency-series.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";
import { LegendSwatch } from "./legend-swatch.tsx";

/** The legend's lanes unless told otherwise: the four transports. */
const DEFAULT_NAMES = LANE_NAMES.filter((name) => name !== SOCKET_IO_LANE);
/** Smallest value drawn on the log scale: latencies at or below it (clock skew) sit on the floor. */
const LOG_FLOOR_MS = 0.05;
/** Bucket width of the series (LatencySeries' default). */
const BUCKET_MS = LATENCY_SERIES_DEFAULTS.bucketMs;
/** Minimum ms between two redraws of the chart: one bucket. */
const REDRAW_MS = BUCKET_MS;
/** How far back the chart reaches, in words ("minute", "2 minutes", "30 s"). */
const WINDOW_WORDS = windowWords((LATENCY_SERIES_DEFAULTS.buckets * BUCKET_MS) / 1000);

function windowWords(seconds: number): string {
  if (seconds === 60) return "minute";
  return seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} s`;
}

interface LatencyChartProps {
  /** One series per lane, in LANE_NAMES order. */
  readonly data: AlignedSeries;
  /** The lanes the legend lists (default the four transports; the compare view adds Socket.IO when on). */
  readonly names?: readonly LaneName[];
  /** Empty stretches up to this long are drawn through (interval polling's quiet time between polls). */
  readonly bridgeMs: number;
  readonly large: boolean;
  readonly title?: string;
  /** The uncertainty of each lane's clock offset: the legend shows latencies below it as "< ±x". */
  readonly uncertainty: (name: LaneName) => number | null;
  /** What to look at, in a sentence under the chart (lesson mode). */
  readonly caption?: string | undefined;
  /** Chart height in px (default 280, 360 in large type). */
  readonly height?: number;
}

/**
 * Mean delivery latency per bucket (LatencySeries' default width), one line per lane (uPlot:
 * canvas, redrawn with setData, no React work per point). Log scale by
 * default, because WebSocket's milliseconds and polling's seconds differ a
 * thousandfold.
 */
export function LatencyChart({
  data,
  names = DEFAULT_NAMES,
  bridgeMs,
  large,
  title = "Delivery latency, live",
  uncertainty,
  caption,
  height,
}: LatencyChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const [log, setLog] = useState(true);
  const dataRef = useRef(data);
  dataRef.current = data;
  const bridge = Math.ceil(bridgeMs / BUCKET_MS);

  useEffect(() => {
    const box = boxRef.current;
    if (box === null) return;
    const font = large ? "16px system-ui, sans-serif" : "12px system-ui, sans-serif";
    const opts: uPlot.Options = {
      width: Math.max(300, box.clientWidth),
      height: height ?? (large ? 360 : 280),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: log
          ? { distr: 3, log: 10 }
          : { auto: true, range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [
        { font, stroke: "#59606b", grid: { stroke: "#eceef1" } },
        {
          font,
          stroke: "#59606b",
          grid: { stroke: "#eceef1" },
          size: large ? 80 : 64,
          values: (_u, splits) => splits.map((v) => formatMs(v)),
        },
      ],
      series: [
        {},
        ...LANE_NAMES.map((t) => ({
          label: TRANSPORT_STYLE[t].label,
          stroke: TRANSPORT_STYLE[t].color,
          width: large ? 3 : 2,
          dash: [...TRANSPORT_STYLE[t].dash],
          spanGaps: false,
          points: { show: false },
        })),
      ],
    };
    const plot = new uPlot(opts, toPlotData(dataRef.current, log, bridge), box);
    plotRef.current = plot;
    const resize = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(300, box.clientWidth), height: opts.height });
    });
    resize.observe(box);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [large, log, bridge, height]);

  // Redrawing more often than a bucket is wide only burns frames at high rates.
  const lastDraw = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    const draw = () => {
      pending.current = undefined;
      lastDraw.current = performance.now();
      plotRef.current?.setData(toPlotData(dataRef.current, log, bridge));
    };
    const since = performance.now() - lastDraw.current;
    if (since >= REDRAW_MS) draw();
    else pending.current ??= setTimeout(draw, REDRAW_MS - since);
  }, [data, log, bridge]);
  useEffect(() => () => clearTimeout(pending.current), []);

  const latest = latestValues(data);
  return (
    <section className="card" aria-labelledby="latency-chart-title">
      <div className="card-head">
        <h2 id="latency-chart-title">{title}</h2>
        <span className="note">
          mean per {BUCKET_MS} ms, last {WINDOW_WORDS}
        </span>
        <span className="spacer" />
        <label className="note">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
        </label>
      </div>
      <ul className="legend" aria-label="Latest latency per transport">
        {names.map((t) => (
          <li key={t}>
            <LegendSwatch transport={t} />
            {TRANSPORT_STYLE[t].short}:{" "}
            <strong>{formatLatency(latest[LANE_NAMES.indexOf(t)], uncertainty(t))}</strong>
          </li>
        ))}
      </ul>
      <div
        ref={boxRef}
        className="chart-box"
        role="img"
        aria-label={`Line chart of delivery latency over the last ${WINDOW_WORDS}, one line per transport; the latest values are listed above.`}
      />
      {caption !== undefined && <p className="chart-caption">{caption}</p>}
    </section>
  );
}

function toPlotData(data: AlignedSeries, log: boolean, bridge: number): uPlot.AlignedData {
  const [xs, ...ys] = data;
  // A mean below 0 is clock error, never a latency: the linear scale floors it at 0, the log one just above.
  const floor = (v: number | null) => (v === null ? v : Math.max(log ? LOG_FLOOR_MS : 0, v));
  return [xs, ...ys.map((y) => bridgeGaps(y.map(floor), bridge))] as uPlot.AlignedData;
}
