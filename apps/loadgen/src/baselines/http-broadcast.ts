// Baseline: the smallest useful node:http server for SSE streams and held long-polls.
// Every generated message is encoded once and written to every open stream / held request.
//   node dist/baselines/http-broadcast.mjs <port>   (bundled by `pnpm build`)
import { createServer, type ServerResponse } from "node:http";
import { cpuSampler, onGeneratorRequest, processFigures, startSchedule } from "./schedule.ts";

const port = Number(process.argv[2] ?? 0);
const cpu = cpuSampler();
const streams = new Set<ServerResponse>();
let waiters = new Set<ServerResponse>();
let stop = () => {};
let seq = 0;
const epoch = "baseline";

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  if (req.method === "POST" && url.endsWith("/generator")) {
    onGeneratorRequest(req, res, (rate, payloadBytes) => {
      stop();
      stop = startSchedule(rate, payloadBytes, (_tick, dataJson) => {
        seq += 1;
        const time = performance.timeOrigin + performance.now();
        const json = `{"channel":"bench","seq":${seq},"time":${time},"data":${dataJson}}`;
        const event = Buffer.from(`id: ${epoch}:${seq}\ndata: ${json}\n\n`);
        for (const s of streams) s.write(event);
        const poll = Buffer.from(`{"cursor":"${epoch}:${seq}","messages":[${json}]}`);
        const held = waiters;
        waiters = new Set();
        for (const w of held) w.end(poll);
      });
    });
    return;
  }
  if (url.includes("/sse")) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(": hello\n\n");
    streams.add(res);
    res.on("close", () => streams.delete(res));
    return;
  }
  if (url.includes("/long-poll")) {
    res.setHeader("content-type", "application/json");
    waiters.add(res);
    res.on("close", () => waiters.delete(res));
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(url === "/api/metrics" ? processFigures(cpu) : { status: "ok" }));
});
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : port });
});
// Never outlive the load generator that started this process.
process.on("disconnect", () => process.exit(0));
// Exit (rather than die of the signal) on SIGTERM, so that `--cpu-prof` writes its profile.
process.on("SIGTERM", () => process.exit(0));
