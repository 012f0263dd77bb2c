import { nodeFetchPlatform } from "../src/index.node.ts";
import { defineContractSuite } from "./contract-suite.ts";

// SSE over the streaming-fetch reader (Node's global fetch + the client's SSE parser), the
// alternative to node:http. Polling over fetch is the browser build's code path: it runs in
// contract.browser.test.ts.
defineContractSuite([{ name: "node+fetch sse", transport: "sse", platform: nodeFetchPlatform }]);
