import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import { platform } from "../src/index.browser.ts";
import { defineContractSuite } from "./contract-suite.ts";

// The browser build (the platform's WebSocket, EventSource and fetch) on Node's WHATWG versions of
// them (`--experimental-websocket`, `--experimental-eventsource`, see vitest.config.ts): the same
// code a page runs, against a real server. Bytes are computed here, as in a browser.
defineContractSuite(
  TRANSPORT_NAMES.map((transport) => ({
    name: `browser ${transport}`,
    transport,
    platform,
    platformSockets: true,
  })),
);
