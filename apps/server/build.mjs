// Bundles the server for production (`node dist/main.mjs`); see bundle.mjs for why.
import { bundleForNode } from "./bundle.mjs";

await bundleForNode({ main: "src/main.ts" }, "dist");
console.log("built apps/server/dist/main.mjs");
