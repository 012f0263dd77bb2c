import { defineConfig } from "vitest/config";

const shared = {
  // Every test builds its own server from factories and closes it, so test files need no module
  // isolation; sharing one module graph per worker halves the run on a busy 2-core machine.
  isolate: false,
  // Integration tests move megabytes through real sockets; leave room for a loaded machine.
  testTimeout: 15_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { ...shared, name: "server", exclude: ["**/node_modules/**", "test/cluster-*.test.ts"] },
      },
      // The cluster tests start redis-server, HAProxy and server processes: they run after the
      // others, so that they do not take the CPU from the timing-sensitive ones.
      {
        extends: true,
        test: {
          ...shared,
          name: "cluster",
          include: ["test/cluster-*.test.ts"],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
