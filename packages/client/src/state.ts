import type { TransportName } from "@transport-lab/protocol";
import type { ClientTransportName, DropReason } from "./transport.ts";

/**
 * Where a client is, each state with its reason. `connecting` happens once per
 * transport start, `reconnecting` after every drop (with the backoff chosen),
 * `closed` is final.
 */
export type ClientState<N extends ClientTransportName = TransportName> =
  | {
      readonly kind: "connecting";
      readonly transport: N;
      /**
       * `start`: the client was created; `switch`: switchTransport() moved it here; `fallback`:
       * `auto` left a transport that failed; `upgrade`: `auto` found a better one working again.
       */
      readonly reason: "start" | "switch" | "fallback" | "upgrade";
    }
  | {
      readonly kind: "open";
      readonly transport: N;
      /** `reconnected` when it follows a drop. */
      readonly reason: "connected" | "reconnected";
      /** Where the server starts this delivery (its hello or first answer; after a reset, the reset's cursor). */
      readonly cursor: string;
    }
  | {
      readonly kind: "reconnecting";
      readonly transport: N;
      readonly reason: DropReason;
      /** Close code, HTTP status or error message. */
      readonly detail: string;
      /** Consecutive failed attempts so far (1 for the first drop). */
      readonly attempt: number;
      /** The backoff delay before the next attempt. */
      readonly delayMs: number;
    }
  | {
      readonly kind: "closed";
      /** `client`: close() was called; `fatal`: the server refused in a way retrying cannot fix. */
      readonly reason: "client" | "fatal";
      readonly detail: string;
    };

/** A short line for logs and the UI, switching exhaustively on the state. */
export function describeState(state: ClientState<ClientTransportName>): string {
  switch (state.kind) {
    case "connecting":
      return `connecting over ${state.transport} (${state.reason})`;
    case "open":
      return `open over ${state.transport} (${state.reason}) at ${state.cursor}`;
    case "reconnecting":
      return `reconnecting over ${state.transport} in ${Math.round(state.delayMs)} ms (attempt ${state.attempt}, ${state.reason}: ${state.detail})`;
    case "closed":
      return `closed (${state.reason}: ${state.detail})`;
    default: {
      const never: never = state;
      return never;
    }
  }
}
