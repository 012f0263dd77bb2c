// `@transport-lab/client/socketio`: the optional Socket.IO transport. An entry of its own so that
// `socket.io-client` is loaded only by code that imports it (a page's Socket.IO lane, lazily);
// the main entries never do.
import type { TransportRegistry } from "./client-api.ts";
import { socketio } from "./socketio/socket-io-transport.ts";
import type { ClientTransportName } from "./transport.ts";
import { transports } from "./transports/registry.ts";

export { describePacket } from "./socketio/engine-meter.ts";
export {
  createSocketIoTransport,
  dropOfConnectError,
  dropOfDisconnect,
  type SocketIoTransportOptions,
  socketio,
} from "./socketio/socket-io-transport.ts";
export type { ClientTransportName } from "./transport.ts";

/** The four transports and Socket.IO: `createClientWith(platform, transportsWithSocketIo, { transport: "socketio", … })`. */
export const transportsWithSocketIo: TransportRegistry<ClientTransportName> = { ...transports, socketio };
