import type { ClientReset, ClientState } from "@transport-lab/client";
import type { LaneName } from "./lane-names.ts";
import { RingBuffer } from "./ring-buffer.ts";

/** What happened to a lane's connection, as the event strip draws it. */
export type LaneEventKind =
  /** First open of a client (page start, resume after a pause, a new poll interval). */
  | "connect"
  /** The connection was lost without the page asking. */
  | "drop"
  /** Open again after a drop, resuming from the cursor. */
  | "resume"
  /** The server could not honour the cursor (messages may be lost). */
  | "reset"
  /** The client stopped for good. */
  | "stop"
  /** Someone on this page pressed "Disconnect everyone". */
  | "cut";

/** One entry of a lane's event strip. */
export interface LaneEvent {
  readonly kind: LaneEventKind;
  /** Client wall clock, ms. */
  readonly at: number;
  readonly transport: LaneName;
  /** Why, in a few words (drop reason, reset reason, …). */
  readonly detail: string;
}

/** How far back the strip reaches, and how many events it keeps at most. */
export const LANE_EVENT_WINDOW = { ms: 60_000, max: 64 } as const;

/** The event a client state change adds to the strip, or null when it adds none (connecting). */
export function eventOfState(
  state: ClientState<LaneName>,
  at: number,
  transport: LaneName,
): LaneEvent | null {
  switch (state.kind) {
    case "open":
      return {
        kind: state.reason === "reconnected" ? "resume" : "connect",
        at,
        transport,
        detail: `from ${state.cursor}`,
      };
    case "reconnecting":
      return { kind: "drop", at, transport, detail: state.reason };
    case "closed":
      return state.reason === "client" ? null : { kind: "stop", at, transport, detail: state.detail };
    case "connecting":
      return null;
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** The event a reset adds to the strip. */
export function eventOfReset(reset: ClientReset<LaneName>, at: number): LaneEvent {
  return { kind: "reset", at, transport: reset.transport, detail: reset.reason };
}

/**
 * A lane's recent connection events, bounded in count; {@link recent} drops what is older than
 * the window. A reconnecting client reports every failed attempt, so a long outage fills the
 * ring with drops, and the oldest go first.
 */
export class LaneEventLog {
  readonly #ring = new RingBuffer<LaneEvent>(LANE_EVENT_WINDOW.max);
  /** The last drop, so that repeated failed attempts of one outage are one event. */
  #inOutage = false;

  /** Adds an event; a drop while already dropped (another failed attempt) is not repeated. */
  push(event: LaneEvent): void {
    if (event.kind === "drop") {
      if (this.#inOutage) return;
      this.#inOutage = true;
    } else if (event.kind !== "cut" && event.kind !== "reset") {
      this.#inOutage = false;
    }
    this.#ring.push(event);
  }

  /** Events of the last {@link LANE_EVENT_WINDOW} ms before `now`, oldest first. */
  recent(now: number): LaneEvent[] {
    return this.#ring.toArray().filter((e) => now - e.at <= LANE_EVENT_WINDOW.ms);
  }

  clear(): void {
    this.#ring.clear();
    this.#inOutage = false;
  }
}
