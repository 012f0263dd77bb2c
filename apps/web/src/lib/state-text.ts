import type { ClientReset, ClientState } from "@transport-lab/client";
import { formatMs } from "./format.ts";
import type { LaneName } from "./lane-names.ts";

/** How a state is drawn: the dot colour and one line of words. */
export interface StateText {
  readonly tone: "good" | "warn" | "bad" | "idle";
  readonly label: string;
  readonly detail: string;
}

const DROP_WORDS: Record<string, string> = {
  network: "the network failed",
  server_closed: "the server ended the connection",
  server_restart: "the server cut it (disconnect button)",
  going_away: "the server is shutting down",
  too_slow: "this page read too slowly",
  http_error: "the server answered with an error",
  gap: "a message was missing; fetching it again",
  timeout: "no answer in time",
};

const RESET_WORDS: Record<ClientReset["reason"], string> = {
  expired: "cursor no longer in history",
  epoch: "new epoch: the server restarted",
  bad_cursor: "the server refused the cursor",
};

/**
 * A reset in words: why, and where delivery went on. After `epoch`/`expired` the client continues
 * after the cursor the server named; after `bad_cursor` the cursor is the refused one and the client
 * started again from the oldest message the server keeps.
 */
export function describeReset(reason: ClientReset["reason"], cursor: string): { why: string; after: string } {
  return {
    why: RESET_WORDS[reason],
    after:
      reason === "bad_cursor"
        ? `refused ${cursor}; started again from the oldest kept message`
        : `continued after ${cursor}`,
  };
}

/** A client's state (or a paused lane, `null`) in words for a panel. */
export function describeLaneState(
  state: ClientState<LaneName> | null,
  paused: boolean,
  error: string | null = null,
): StateText {
  if (paused) return { tone: "idle", label: "Paused", detail: "not connected; resumes from its cursor" };
  if (error !== null) return { tone: "bad", label: "Could not start", detail: error };
  if (state === null) return { tone: "idle", label: "Waiting", detail: "the page is still starting" };
  switch (state.kind) {
    case "connecting":
      return {
        tone: "warn",
        label: "Connecting",
        detail: state.reason === "switch" ? "switched here, resuming from the cursor" : "first connection",
      };
    case "open":
      return {
        tone: "good",
        label: state.reason === "reconnected" ? "Open (reconnected)" : "Open",
        detail: `from ${state.cursor}`,
      };
    case "reconnecting":
      return {
        tone: "bad",
        label: `Reconnecting (attempt ${state.attempt})`,
        detail: `${DROP_WORDS[state.reason] ?? state.reason}${state.detail ? ` (${state.detail})` : ""}; next try in ${formatMs(state.delayMs)}`,
      };
    case "closed":
      return {
        tone: state.reason === "client" ? "idle" : "bad",
        label: state.reason === "client" ? "Closed" : "Stopped",
        detail: state.detail,
      };
    default: {
      const never: never = state;
      return never;
    }
  }
}
