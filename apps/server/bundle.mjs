// Bundles TypeScript entry points to plain JavaScript ESM for Node, as production runs them.
// Running the TypeScript through tsx instead costs memory on every connection: its esbuild
// transform keeps function names by wrapping each closure in `__name()`, which turns each
// closure's properties into a dictionary (2.3 KB more heap per idle WebSocket). The load
// generator bundles its baselines with this too, so both sides of a ratio are built alike.
import { build } from "esbuild";

/** `entryPoints`: output name → source path; writes `<outdir>/<name>.mjs` (+ source map). */
export async function bundleForNode(entryPoints, outdir) {
  await build({
    entryPoints,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: true,
    logLevel: "warning",
    // CommonJS dependencies (ws, prom-client) call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
}
