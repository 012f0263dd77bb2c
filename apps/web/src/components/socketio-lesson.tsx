import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

/**
 * What Socket.IO buys and costs, beside the four transports' cards. The server figures are from
 * this project's capacity benchmark (docs/benchmarks.md), the byte counts from the wire itself.
 */
export function SocketIoLesson() {
  return (
    <article
      className="card learn-card"
      style={{ borderTop: `0.3rem solid ${TRANSPORT_STYLE.socketio.color}` }}
      aria-labelledby="learn-socketio"
    >
      <h2 id="learn-socketio">Socket.IO</h2>
      <h3>How it works</h3>
      <p>
        A library on top of the transports: its client (<code>io(url)</code>) starts with long polling, gets
        Engine.IO's open packet (<code>0{"{…}"}</code>: a session id, “upgrades: websocket”, a ping every 25
        s), joins with <code>40</code>, then opens a WebSocket beside the polls and probes it (
        <code>2probe</code> / <code>3probe</code>) before switching over with <code>5</code>. From then on
        every event is one WebSocket frame such as <code>42["message",{"{…}"}]</code>, and the server sends{" "}
        <code>2</code> every 25 s, answered by <code>3</code>. Turn on “vs Socket.IO” in Compare to watch it
        in the lane's wire view.
      </p>
      <h3>What it buys</h3>
      <ul>
        <li>Fallback: where a proxy blocks WebSockets it keeps working over long polling.</li>
        <li>Acknowledgements: an event can carry a callback that the other side answers.</li>
        <li>Rooms and namespaces: the server sends to a group with one call.</li>
        <li>Reconnection with backoff, and heartbeats that notice a dead connection.</li>
      </ul>
      <h3>What it costs</h3>
      <ul>
        <li>
          14 bytes per message around the lab's envelope (<code>42["message",</code> and <code>]</code>); the
          lab's own WebSocket frame adds 16 (<code>"type":"message",</code>), so per message they are even.
        </li>
        <li>
          Per connection: 2–3 HTTP requests and the probe exchange before the WebSocket takes over, and a
          ping/pong pair every 25 s.
        </li>
        <li>
          On the server (this project's capacity benchmark, each figure against a raw <code>ws</code> server
          in the same run on the same machine, three runs): about 2 × the memory per idle connection (15.7
          against 7.1 KB at 10,000), 1.2–1.6 × the CPU per delivery (1,000 clients at 10 and 50 msg/s), and no
          higher a sustained rate (both kept up with 80 msg/s × 1,000 clients in the latest run and not with
          120).
        </li>
        <li>
          Its own protocol: a plain WebSocket or EventSource cannot talk to it; clients need its library.
        </li>
      </ul>
      <h3>Use it when</h3>
      <p>
        Clients sit behind networks that block WebSockets, or the app wants acks, rooms and reconnection
        without writing them.
      </p>
      <h3>Not when</h3>
      <p>
        Every client is a browser that can open a WebSocket and the server holds many idle connections: then
        the raw transport does the same for less memory.
      </p>
    </article>
  );
}
