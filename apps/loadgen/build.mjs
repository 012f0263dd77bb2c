// Bundles the baseline servers the way the server under test is bundled (plain JavaScript,
// no tsx at run time): a baseline run through tsx starts with ~40 MB of compiler garbage on
// its heap, and connections reuse that free space, which made its memory per connection look
// ~20 % smaller than a bundle's.
import { bundleForNode } from "@transport-lab/server/bundle";

await bundleForNode(
  {
    "ws-broadcast": "src/baselines/ws-broadcast.ts",
    "http-broadcast": "src/baselines/http-broadcast.ts",
    "socketio-broadcast": "src/baselines/socketio-broadcast.ts",
  },
  "dist/baselines",
);
console.log("built apps/loadgen/dist/baselines/{ws,http,socketio}-broadcast.mjs");
