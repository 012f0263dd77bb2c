import type { LaneName } from "./lane-names.ts";

/**
 * The one colour per transport, used by every panel, chart, bar and legend of the app (and meant
 * to be the benchmark reports' too). Okabe–Ito colours: distinguishable with the common
 * colour-vision deficiencies; the chart adds a dash pattern per transport so that it does not rely
 * on colour alone.
 */
export const TRANSPORT_COLORS: Readonly<Record<LaneName, string>> = {
  ws: "#0072B2",
  sse: "#D55E00",
  longPoll: "#009E73",
  poll: "#CC79A7",
  // The benchmark reports' Socket.IO orange (SOCKET_IO_COLOR of @transport-lab/report).
  socketio: "#E69F00",
};

/** Canvas dash patterns per lane (solid, long dash, dots, dash-dot, double dash). */
export const TRANSPORT_DASHES: Readonly<Record<LaneName, readonly number[]>> = {
  ws: [],
  sse: [8, 4],
  longPoll: [2, 3],
  poll: [12, 4, 2, 4],
  socketio: [4, 2, 4, 7],
};
