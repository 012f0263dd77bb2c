import type { TransportRegistry } from "../client-api.ts";
import { longPoll } from "./long-poll.ts";
import { poll } from "./poll.ts";
import { sse } from "./sse.ts";
import { ws } from "./ws.ts";

/** The four transports by name (engine.io-client's `transports`); the platform comes in through each context. */
export const transports: TransportRegistry = { ws, sse, longPoll, poll };
