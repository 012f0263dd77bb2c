export {
  type ClockOffset,
  type ClockOffsetEstimator,
  type ClockSample,
  createClockOffsetEstimator,
  deliveryLatency,
  type EstimateClockOffsetOptions,
  estimateClockOffset,
  offsetAt,
} from "./clock-offset.ts";
export { type ClockTracker, type ClockTrackerOptions, createClockTracker } from "./clock-tracker.ts";
export { CSV_HEADER, toCsv } from "./csv.ts";
export {
  createHistogram,
  emptyHistogramJSON,
  type Histogram,
  type HistogramJSON,
  type HistogramOptions,
  histogramFromJSON,
} from "./hdr-histogram.ts";
export { type LatencySummary, summarize } from "./latency-summary.ts";
export { mergeSnapshots } from "./merge-snapshots.ts";
export {
  type ByteDirection,
  createMetricsRecorder,
  createTransportMetrics,
  emptySnapshot,
  type MetricsRecorder,
  type MetricsRecorderOptions,
  type SnapshotOptions,
  type TransportMetrics,
} from "./metrics-recorder.ts";
export {
  type ByteCount,
  type ByteSource,
  byteCount,
  COUNTER_KEYS,
  type MetricsSnapshot,
  perMessage,
} from "./snapshot.ts";
export {
  chunkedEncodingOverhead,
  type HeaderList,
  httpRequestHeadBytes,
  httpResponseHeadBytes,
  type SseEventFields,
  sseCommentBytes,
  sseEventBytes,
  utf8Length,
  wsFrameBytes,
  wsFrameHeaderBytes,
} from "./wire-size.ts";
