import type { TransportFactory } from "../transport.ts";
import { PollingTransport } from "./polling.ts";

/** Creates the interval-polling transport: `GET …/poll?cursor=` every `pollIntervalMs`, answered at once. */
export const poll: TransportFactory = (ctx) => new PollingTransport(ctx, "poll");
