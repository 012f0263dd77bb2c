import type { TransportFactory } from "../transport.ts";
import { PollingTransport } from "./polling.ts";

/** Creates the long-polling transport: `GET …/long-poll?cursor=&timeout=`, held until a message or the timeout, re-sent at once. */
export const longPoll: TransportFactory = (ctx) => new PollingTransport(ctx, "longPoll");
