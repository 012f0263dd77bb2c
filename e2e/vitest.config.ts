import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Unit tests of the benchmark's own logic, beside its files; tests/ holds Playwright's specs,
    // which vitest must not pick up.
    include: ["bench/**/*.test.ts"],
  },
});
