import { createClientWith } from "./client.ts";
import type { Client, ClientOptions } from "./client-api.ts";
import { nodePlatform } from "./node/node-platform.ts";
import { transports } from "./transports/registry.ts";

// An explicit list, written once in exports.ts for both entries.
export * from "./exports.ts";
export { nodeFetchPlatform } from "./node/node-fetch-platform.ts";
export { nodePlatform as platform };

/** Creates a client using Node's transports (`ws`, `node:http`, a streaming SSE reader). */
export function createClient(options: ClientOptions): Client {
  return createClientWith(nodePlatform, transports, options);
}
