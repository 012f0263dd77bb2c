import { formatClock } from "./format.ts";
import { LANE_EVENT_WINDOW, type LaneEvent } from "./lane-events.ts";
import type { LaneName } from "./lane-names.ts";

const DROP_WORDS: Record<string, string> = {
  network: "the connection broke",
  server_closed: "the server closed it",
  server_restart: "the server cut it",
  going_away: "the server is shutting down",
  too_slow: "the server cut it: this page read too slowly",
  http_error: "the server answered with an error",
  gap: "a message was missing",
  timeout: "no answer in time",
};

/** One event in a few words, for the strip's caption. */
export function eventWords(e: LaneEvent): string {
  switch (e.kind) {
    case "connect":
      return `connected ${e.detail}`;
    case "drop":
      return `dropped (${DROP_WORDS[e.detail] ?? e.detail})`;
    case "resume":
      return `back, resumed ${e.detail}`;
    case "reset":
      return e.detail === "expired" ? "reset: messages no longer kept were skipped" : `reset (${e.detail})`;
    case "stop":
      return `stopped: ${e.detail}`;
    case "cut":
      return "“Disconnect everyone” pressed";
    default: {
      const never: never = e.kind;
      return never;
    }
  }
}

/**
 * What a lane's strip says under it: the latest events in words, and for a transport that holds
 * nothing (interval polling) after a cut, that there was nothing to cut. The cut marks every lane
 * of the page that pressed the button; other pages see only their drops.
 */
export function stripCaption(transport: LaneName, events: readonly LaneEvent[]): string {
  const lastCut = events.findLastIndex((e) => e.kind === "cut");
  if (transport === "poll" && lastCut >= 0 && !events.slice(lastCut).some((e) => e.kind === "drop")) {
    return `${formatClock(events[lastCut]?.at ?? 0)} “Disconnect everyone”: interval polling holds no connection between polls, so there was nothing to cut; its next poll came as usual.`;
  }
  if (events.every((e) => e.kind === "connect")) {
    const last = events[events.length - 1];
    return last === undefined
      ? `No connection event in the last ${LANE_EVENT_WINDOW.ms / 1000} s.`
      : `Connected at ${formatClock(last.at).slice(0, 8)}; no drop since.`;
  }
  const shown = events.filter((e) => e.kind !== "connect").slice(-3);
  if (transport === "longPoll" && lastCut >= 0 && !events.slice(lastCut).some((e) => e.kind === "drop")) {
    return `${formatClock(events[lastCut]?.at ?? 0)} “Disconnect everyone”: the server aborted the held long poll; the browser sent the same GET again by itself (a request cut before any answer byte is retried), so the page saw no drop and delivery went on from the cursor.`;
  }
  const longPollCut =
    transport === "longPoll" && lastCut >= 0
      ? " The held request was aborted by the server and sent again from the cursor."
      : "";
  return `${shown.map((e) => `${formatClock(e.at)} ${eventWords(e)}`).join(" · ")}.${longPollCut}`;
}
