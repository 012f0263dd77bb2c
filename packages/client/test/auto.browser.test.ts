import { platform } from "../src/index.browser.ts";
import { defineAutoSuite } from "./auto-suite.ts";

// `transport: "auto"` in the browser build, on Node's WHATWG WebSocket and EventSource: a refused
// upgrade shows only as an error, so every failure is checked with plain HTTP, as in a page.
defineAutoSuite("the browser build", platform);
