import { transportPath } from "@transport-lab/protocol";
import { useEffect, useRef, useState } from "react";
import { formatMs } from "../lib/format.ts";
import { pageBase } from "../lib/page-base.ts";

/** How many streams the demonstration opens at most: enough to pass six on any page. */
const MAX_STREAMS = 8;

interface DemoStream {
  readonly n: number;
  readonly source: EventSource;
  readonly openedAt: number;
  readyAt: number | null;
}

/**
 * The browser's connection limit, shown: each press opens one more event stream to this server
 * (an EventSource holds its connection for as long as it lives); the one that finds all six
 * taken waits, with no error, until another connection is released. Every stream closes on
 * "Release" and when the view goes away.
 */
export function ConnectionDemo({
  channel,
  heldByPage,
}: {
  readonly channel: string;
  readonly heldByPage: number;
}) {
  const [streams, setStreams] = useState<readonly DemoStream[]>([]);
  const [, setTick] = useState(0);
  const live = useRef<DemoStream[]>([]);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 250);
    return () => {
      clearInterval(timer);
      for (const s of live.current) s.source.close();
      live.current = [];
    };
  }, []);
  const open = () => {
    if (live.current.length >= MAX_STREAMS) return;
    const n = live.current.length + 1;
    const source = new EventSource(`${pageBase(window.location.pathname)}${transportPath("sse", channel)}`);
    const stream: DemoStream = { n, source, openedAt: performance.now(), readyAt: null };
    source.onopen = () => {
      stream.readyAt ??= performance.now();
      setTick((t) => t + 1);
    };
    live.current = [...live.current, stream];
    setStreams(live.current);
  };
  const release = () => {
    for (const s of live.current) s.source.close();
    live.current = [];
    setStreams([]);
  };
  const now = performance.now();
  const waiting = streams.filter((s) => s.readyAt === null).length;
  return (
    <div className="connection-demo">
      <h3>Try it: open streams one by one</h3>
      <p>
        This page holds {heldByPage} of the six already. Each press opens one more event stream to this
        server; the one that finds all six connections taken does not fail: it waits, and so does every poll,
        publish and figure this tab (and every other tab of this server) asks for, until you release them.
      </p>
      <div className="demo-actions">
        <button type="button" className="primary" onClick={open} disabled={streams.length >= MAX_STREAMS}>
          Open stream {streams.length + 1}
        </button>
        <button type="button" onClick={release} disabled={streams.length === 0}>
          Release all
        </button>
      </div>
      <ol className="demo-streams" aria-label="Demonstration streams" aria-live="polite">
        {streams.map((s) => (
          <li key={s.n} className={s.readyAt === null ? "waiting" : "open"}>
            Stream {s.n}:{" "}
            {s.readyAt === null
              ? `waiting for a connection (${formatMs(now - s.openedAt)} so far)`
              : `open after ${formatMs(s.readyAt - s.openedAt)}`}
          </li>
        ))}
      </ol>
      {waiting > 0 && (
        <p className="note warn-note" role="status">
          {waiting === 1 ? "One stream is" : `${waiting} streams are`} waiting: this server's six connections
          are all held. Release them, and the waiting ones (and this page's polls) go through.
        </p>
      )}
    </div>
  );
}
