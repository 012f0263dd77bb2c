import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// In development the app runs on :5173 and the API on :3000; the proxy keeps
// them one origin for the browser (ws: true carries the WebSocket upgrade).
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      "/api": { target: "http://localhost:3000", ws: true, changeOrigin: false },
      "/healthz": { target: "http://localhost:3000" },
    },
  },
  build: { outDir: "dist", sourcemap: true },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
