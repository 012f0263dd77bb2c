import type { TransportName } from "@transport-lab/protocol";

/**
 * The one colour per transport, used by every panel, chart, bar and legend of the app (and meant
 * to be the benchmark reports' too). Okabe–Ito colours: distinguishable with the common
 * colour-vision deficiencies; the chart adds a dash pattern per transport so that it does not rely
 * on colour alone.
 */
export const TRANSPORT_COLORS: Readonly<Record<TransportName, string>> = {
  ws: "#0072B2",
  sse: "#D55E00",
  longPoll: "#009E73",
  poll: "#CC79A7",
};

/** Canvas dash patterns per transport (solid, long dash, dots, dash-dot). */
export const TRANSPORT_DASHES: Readonly<Record<TransportName, readonly number[]>> = {
  ws: [],
  sse: [8, 4],
  longPoll: [2, 3],
  poll: [12, 4, 2, 4],
};
