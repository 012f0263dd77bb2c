import { execFileSync } from "node:child_process";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

/** `git describe` of the tree being built: a saved run names the build it was measured with. */
function buildId(): string {
  try {
    return execFileSync("git", ["describe", "--always", "--dirty"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

// In development the app runs on :5173 and the API on the server's PORT (3000 by default, as the
// server's own default); the proxy keeps them one origin for the browser (ws: true carries the
// WebSocket upgrade).
const apiTarget = `http://localhost:${process.env.PORT ?? "3000"}`;

export default defineConfig(({ command }) => ({
  plugins: [react()],
  define: command === "build" ? { __TRANSPORT_LAB_BUILD__: JSON.stringify(buildId()) } : {},
  server: {
    port: 5173,
    proxy: {
      "/api": { target: apiTarget, ws: true, changeOrigin: false },
      "/healthz": { target: apiTarget },
    },
  },
  // Relative asset URLs: the same build works at the server's root and under /link/<name>/ (page-base.ts).
  base: "./",
  build: { outDir: "dist", sourcemap: true },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
}));
