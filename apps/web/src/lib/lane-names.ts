import type { ClientTransportName } from "@transport-lab/client";
import { TRANSPORT_NAMES } from "@transport-lab/protocol";

/** What one lane of the page receives over: one of the four transports, or Socket.IO (the optional fifth lane). */
export type LaneName = ClientTransportName;

/**
 * Every lane in the order the page draws them (panels, wire columns, legend, the chart's series):
 * the four transports of the protocol, then Socket.IO.
 */
export const LANE_NAMES: readonly LaneName[] = [...TRANSPORT_NAMES, "socketio"];

/** The lane that receives through the server's Socket.IO endpoint instead of one of the four transports. */
export const SOCKET_IO_LANE = "socketio" satisfies LaneName;
