import { isValidChannelName, LONG_POLL_TIMEOUT } from "@transport-lab/protocol";
import type { ClientOptions } from "./client-api.ts";
import type { ClientTransportName } from "./transport.ts";

/** Throws on options no server would accept, before the client opens anything. */
export function checkClientOptions<N extends ClientTransportName>(options: ClientOptions<N>): void {
  if (!isValidChannelName(options.channel)) throw new TypeError(`bad channel name: ${options.channel}`);
  const timeout = options.longPollTimeoutMs ?? LONG_POLL_TIMEOUT.default;
  if (!(timeout >= LONG_POLL_TIMEOUT.min && timeout <= LONG_POLL_TIMEOUT.max)) {
    throw new RangeError(`longPollTimeoutMs must be ${LONG_POLL_TIMEOUT.min}–${LONG_POLL_TIMEOUT.max}`);
  }
}
