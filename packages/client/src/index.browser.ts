import { browserPlatform } from "./browser/browser-platform.ts";
import { createClientWith } from "./client.ts";
import type { Client, ClientOptions } from "./client-api.ts";
import { transports } from "./transports/registry.ts";

// An explicit list, written once in exports.ts for both entries.
export * from "./exports.ts";
export { browserPlatform as platform };

/** Creates a client using the browser's own WebSocket, EventSource and fetch. */
export function createClient(options: ClientOptions): Client {
  return createClientWith(browserPlatform, transports, options);
}
