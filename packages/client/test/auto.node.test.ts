import { platform } from "../src/index.node.ts";
import { defineAutoSuite } from "./auto-suite.ts";

// `transport: "auto"` on Node's platform (`ws` reads a refused upgrade's status).
defineAutoSuite("node", platform);
