export {
  type ClockOffset,
  type ClockOffsetEstimator,
  type ClockSample,
  createClockOffsetEstimator,
  deliveryLatency,
  type EstimateClockOffsetOptions,
  estimateClockOffset,
} from "./clock-offset.ts";
export {
  type ByteDirection,
  createTransportMetrics,
  type SnapshotOptions,
  type TransportMetrics,
  type TransportMetricsOptions,
} from "./counters.ts";
export { CSV_HEADER, toCsv } from "./csv.ts";
export {
  createHistogram,
  type Histogram,
  type HistogramJSON,
  type HistogramOptions,
  histogramFromJSON,
} from "./hdr-histogram.ts";
export { type LatencySummary, summarize } from "./latency-summary.ts";
export { mergeSnapshots } from "./merge-snapshots.ts";
export { type ByteCount, type ByteSource, byteCount, type MetricsSnapshot, perMessage } from "./snapshot.ts";
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
