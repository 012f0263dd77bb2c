import { useEffect, useState } from "react";
import { SocketIoLane, type SocketIoLaneView } from "../lib/socketio-lane.ts";

/** How often the lane's figures are read: as often as the other panels redraw. */
const REFRESH_MS = 250;

/** `?vs=socketio`: a link to the "vs Socket.IO" comparison opens with the lane on. */
const wantedByLink = () => new URLSearchParams(window.location.search).get("vs") === "socketio";

/** The Socket.IO lane and whether it is on. */
export interface SocketIoLaneState {
  readonly enabled: boolean;
  readonly setEnabled: (enabled: boolean) => void;
  readonly view: SocketIoLaneView | null;
  readonly error: string | null;
}

/**
 * The compare view's optional Socket.IO lane (off unless asked for): while on, started from
 * `cursor` (the page's start cursor, as the other lanes) once it is known, closed when turned off
 * or when the view goes away.
 */
export function useSocketIoLane(channel: string, cursor: string | undefined): SocketIoLaneState {
  const [enabled, setEnabled] = useState(wantedByLink);
  const [view, setView] = useState<SocketIoLaneView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ready = enabled && cursor !== undefined;
  useEffect(() => {
    if (!ready) {
      setView(null);
      return;
    }
    let lane: SocketIoLane | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setInterval> | undefined;
    SocketIoLane.start(window.location.origin, channel, cursor).then(
      (started) => {
        if (stopped) {
          void started.close();
          return;
        }
        lane = started;
        setError(null);
        setView(started.view());
        timer = setInterval(() => setView(started.view()), REFRESH_MS);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      stopped = true;
      clearInterval(timer);
      void lane?.close();
    };
  }, [ready, channel, cursor]);
  return { enabled, setEnabled, view, error };
}
