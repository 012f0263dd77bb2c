import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Every test builds its own server from factories and closes it, so test files need no module
    // isolation; sharing one module graph per worker halves the run on a busy 2-core machine.
    isolate: false,
    // Integration tests move megabytes through real sockets; leave room for a loaded machine.
    testTimeout: 15_000,
  },
});
