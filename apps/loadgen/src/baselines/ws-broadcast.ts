// Baseline: the smallest useful `ws` broadcast server. Every socket gets every
// generated message, encoded once to a Buffer. Run as its own process:
//   node dist/baselines/ws-broadcast.mjs <port>   (bundled by `pnpm build`)
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { cpuSampler, onGeneratorRequest, processFigures, startSchedule } from "./schedule.ts";

const port = Number(process.argv[2] ?? 0);
const cpu = cpuSampler();
let stop = () => {};
let seq = 0;
const server = createServer((req, res) => {
  if (req.method === "POST" && req.url?.endsWith("/generator")) {
    onGeneratorRequest(req, res, (rate, payloadBytes) => {
      stop();
      stop = startSchedule(rate, payloadBytes, (_tick, dataJson) => {
        seq += 1;
        const time = performance.timeOrigin + performance.now();
        const frame = Buffer.from(
          `{"type":"message","channel":"bench","seq":${seq},"time":${time},"data":${dataJson}}`,
        );
        for (const ws of wss.clients) ws.send(frame, { binary: false });
      });
    });
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(req.url === "/api/metrics" ? processFigures(cpu) : { status: "ok" }));
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : port });
});
// Never outlive the load generator that started this process.
process.on("disconnect", () => process.exit(0));
// Exit (rather than die of the signal) on SIGTERM, so that `--cpu-prof` writes its profile.
process.on("SIGTERM", () => process.exit(0));
