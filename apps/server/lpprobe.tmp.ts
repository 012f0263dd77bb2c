import { startServer } from "/work/main/apps/server/src/index.ts";

const s = await startServer({ port: 3991, rateLimit: 0, maxConnections: 60000 });
const g = globalThis as unknown as { gc: () => void };
const m = () => {
  g.gc();
  return process.memoryUsage().heapUsed;
};
const base = m();
let last = 0;
setInterval(() => {
  const n = s.instance.context.counters.transports.longPoll.connections;
  if (n === last) return;
  last = n;
  console.log(n, "heap/conn", ((m() - base) / n).toFixed(0));
}, 3000);
setTimeout(() => process.exit(0), 30000);
