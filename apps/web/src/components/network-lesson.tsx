import { AUTO_DEFAULTS } from "@transport-lab/client";
import type { LinkInfo, TransportName } from "@transport-lab/protocol";
import type { ReactNode } from "react";
import { formatLatency, formatMs, formatRatio } from "../lib/format.ts";
import type { LabView, LaneView } from "../lib/lab-view.ts";
import { expectedLatency, linkFigures } from "../lib/network.ts";
import { describeLaneState } from "../lib/state-text.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

interface NetworkLessonProps {
  readonly view: LabView;
  /** The network in use, undefined for none. */
  readonly link: LinkInfo | undefined;
  readonly links: readonly LinkInfo[] | null;
  readonly pollIntervalMs: number;
}

/** "p50 82.1 ms · 0.62 req/msg · Open" for one lane, or why there is nothing. */
function live(lane: LaneView | undefined, requests = false): ReactNode {
  if (lane === undefined) return "not shown here";
  const m = lane.figures?.metrics;
  const state = describeLaneState(lane.state, lane.paused, lane.error).label;
  if (m === undefined || m.messages === 0) return `${state}, no message yet`;
  return (
    <>
      p50 <strong>{formatLatency(m.latency.p50, m.clock?.uncertainty)}</strong>
      {requests && <> · {formatRatio(m.requestsPerMessage)} requests/message</>} · {state}
    </>
  );
}

/** What a fault does to each transport, in the page's words, from the link's own fields. */
function faultWords(
  link: LinkInfo,
  lane: (t: TransportName) => LaneView | undefined,
): { readonly key: string; readonly words: ReactNode }[] {
  const out: { key: string; words: ReactNode }[] = [];
  const push = (key: string, words: ReactNode) => out.push({ key, words });
  const state = (t: TransportName) => {
    const l = lane(t);
    return l === undefined ? "–" : describeLaneState(l.state, l.paused, l.error).label;
  };
  if (link.upgrade === "refuse" || link.upgrade === "strip")
    push(
      "upgrade",
      <>
        WebSocket is refused while it opens (
        {link.upgrade === "refuse"
          ? "the proxy answers 403"
          : "the proxy drops the Upgrade header, the server answers 426"}
        ): its panel keeps reconnecting (now: {state("ws")}). Auto sees the refusal, checks that plain HTTP
        still answers, and falls back within a round trip.
      </>,
    );
  if (link.upgrade === "drop")
    push(
      "drop",
      <>
        WebSocket opens, then carries nothing: no hello, no message, and no close until the server's heartbeat
        gives up 25–50 s later (its panel now: {state("ws")}). Only a client that waits for the first hello
        with a timeout notices; Auto leaves it after {formatMs(AUTO_DEFAULTS.openTimeoutMs)}.
      </>,
    );
  if (link.bufferBytes !== null)
    push(
      "buffer",
      <>
        The event stream is held until {link.bufferBytes / 1024} KiB have piled up: no headers, no hello, the
        SSE panel stays “{state("sse")}” until about a hundred small messages arrive in one burst. A long-poll
        answer ends, so it comes through at once (long polling now: {state("longPoll")}). This is why servers
        send <code>X-Accel-Buffering: no</code>, and why Auto moves on to long polling.
      </>,
    );
  if (link.idleTimeoutMs !== null)
    push(
      "idle",
      <>
        A connection with no byte for {formatMs(link.idleTimeoutMs)} is cut. The heartbeats stay below it:
        WebSocket pings every 25 s, SSE sends a comment every 15 s, a long poll answers empty after its
        timeout. Raise the long-poll timeout above {formatMs(link.idleTimeoutMs)} in the controls to watch it
        being cut.
      </>,
    );
  return out;
}

/** The Learn view's network section: what the chosen network changes, against the live figures. */
export function NetworkLesson({ view, link, links, pollIntervalMs }: NetworkLessonProps) {
  const lane = (t: TransportName) => view.lanes.find((l) => l.transport === t);
  const e = expectedLatency(link, pollIntervalMs);
  const faults = link === undefined ? [] : faultWords(link, lane);
  return (
    <section className="card prose" aria-labelledby="network-title" style={{ marginBottom: "0.8rem" }}>
      <h2 id="network-title">{link === undefined ? "The network: none" : `The network: ${link.name}`}</h2>
      {link === undefined ? (
        <p>
          The lanes go straight to the server. On one machine a round trip takes about 30 µs, nothing buffers
          and nothing is cut, so long polling looks almost as fast as a WebSocket. Pick a network in the
          header: every lane then goes through the same emulated link, and the figures below say what to
          expect.
        </p>
      ) : (
        <p>
          <strong>{linkFigures(link)}.</strong> {link.description}{" "}
          <span className="note">Source: {link.source}</span>
        </p>
      )}
      {link !== undefined && link.rttMs > 0 && (
        <table className="figures-table text-table">
          <caption>What a round trip of {formatMs(link.rttMs)} does, and what this page measures now</caption>
          <thead>
            <tr>
              <th scope="col">Transport</th>
              <th scope="col">Expected</th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">
                {TRANSPORT_STYLE.ws.label}, {TRANSPORT_STYLE.sse.short}
              </th>
              <td>
                one way: about {formatMs(e.stream)} (half the round trip) plus the message's bytes at the
                link's rate
              </td>
              <td>
                WS {live(lane("ws"))}; SSE {live(lane("sse"))}
              </td>
            </tr>
            <tr>
              <th scope="row">{TRANSPORT_STYLE.longPoll.label}</th>
              <td>
                {formatMs(e.stream)} when a request is waiting; after each answer the next request needs a
                whole round trip to reach the server, so a message may wait up to {formatMs(e.longPollWorst)}.
                Above {e.longPollBatchRate === null ? "–" : e.longPollBatchRate.toFixed(1)} msg/s (one answer
                per round trip) answers carry several messages: fewer than one request per message.
              </td>
              <td>{live(lane("longPoll"), true)}</td>
            </tr>
            <tr>
              <th scope="row">{TRANSPORT_STYLE.poll.label}</th>
              <td>
                the page waits the interval after each answer, so the server is asked every interval + a round
                trip; a message waits half of that, then one way: ({formatMs(pollIntervalMs)} +{" "}
                {formatMs(2 * e.oneWay)}) / 2 + {formatMs(e.oneWay)} = {formatMs(e.poll)} on average
              </td>
              <td>{live(lane("poll"), true)}</td>
            </tr>
          </tbody>
        </table>
      )}
      {faults.length > 0 && (
        <ul>
          {faults.map(({ key, words }) => (
            <li key={key}>{words}</li>
          ))}
        </ul>
      )}
      {links !== null && links.length > 0 && (
        <details>
          <summary>Every network and fault this server offers</summary>
          <dl className="link-list">
            {links.map((l) => (
              <div key={l.name}>
                <dt>
                  <code>{l.name}</code>{" "}
                  <span className="note">({l.kind === "fault" ? "fault" : linkFigures(l)})</span>
                </dt>
                <dd>{l.description}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </section>
  );
}
