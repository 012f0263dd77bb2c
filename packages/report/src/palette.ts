import type { TransportName } from "@transport-lab/protocol";

/**
 * One colour per transport, the same in the web app and in every report (Okabe–Ito: told apart
 * with the common colour-vision deficiencies).
 */
export const TRANSPORT_COLORS: Readonly<Record<TransportName, string>> = {
  ws: "#0072B2",
  sse: "#D55E00",
  longPoll: "#009E73",
  poll: "#CC79A7",
};

/** This server's bars where the bars compare targets, not transports (capacity reports). */
export const SERVER_COLOR = "#332288";

/** The colour of a raw `ws` / `node:http` baseline beside this server's figures. */
export const BASELINE_COLOR = "#8C8C8C";

/** Socket.IO, as a lane of the page and as the anchor beside this server in the benchmark reports. */
export const SOCKET_IO_COLOR = "#E69F00";
