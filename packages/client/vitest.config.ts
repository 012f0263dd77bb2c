import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Contract tests run real servers and reconnect loops; each asserts its own deadlines.
    testTimeout: 15_000,
    // Node 20's WHATWG WebSocket and EventSource (undici), so that the browser build's transports
    // run in test/contract.browser.test.ts. Node's own build does not use them.
    execArgv: ["--experimental-websocket", "--experimental-eventsource", "--no-warnings=ExperimentalWarning"],
  },
});
