// Anchor: Socket.IO 4.8 as people deploy it for a broadcast, configured for a fair comparison
// with the raw `ws` baseline and the lab's server: WebSocket transport only (no polling, no
// upgrade), permessage-deflate off, HTTP compression off, no connection-state recovery, and every
// generated message sent with `io.to(room).emit("message", envelope)`, which encodes the packet once
// and builds its WebSocket frame once for all sockets. Clients join the room on connection.
//   node dist/baselines/socketio-broadcast.mjs <port>   (bundled by `pnpm build`)
import { createServer } from "node:http";
import { Server } from "socket.io";
import { cpuSampler, onGeneratorRequest, processFigures, startSchedule } from "./schedule.ts";

const port = Number(process.argv[2] ?? 0);
const cpu = cpuSampler();
let stop = () => {};
let seq = 0;
const ROOM = "bench";
const server = createServer((req, res) => {
  if (req.method === "POST" && req.url?.endsWith("/generator")) {
    onGeneratorRequest(req, res, (rate, payloadBytes) => {
      stop();
      stop = startSchedule(rate, payloadBytes, (_tick, dataJson) => {
        seq += 1;
        const time = performance.timeOrigin + performance.now();
        io.to(ROOM).emit("message", { channel: ROOM, seq, time, data: JSON.parse(dataJson) });
      });
    });
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(req.url === "/api/metrics" ? processFigures(cpu) : { status: "ok" }));
});
// As SOCKET_IO_ANCHOR in environment.ts states it for the reports; connectionStateRecovery is off
// by default and stays off.
const io = new Server(server, {
  transports: ["websocket"],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
});
io.on("connection", (socket) => {
  socket.join(ROOM);
});
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : port });
});
// Never outlive the load generator that started this process.
process.on("disconnect", () => process.exit(0));
// Exit (rather than die of the signal) on SIGTERM, so that `--cpu-prof` writes its profile.
process.on("SIGTERM", () => process.exit(0));
