// The Transport Lab server as a load target, in its own process: no publish
// rate limit, room for the connection counts the benchmarks open.
//   node --import tsx src/serve-under-test.ts
import { startServer } from "@transport-lab/server";

const server = await startServer({
  port: 0,
  host: "127.0.0.1",
  rateLimit: 0,
  maxConnections: 60_000,
  maxBufferedBytes: 64 * 1024 * 1024,
});
process.send?.({ port: server.port });
const stop = () => server.close(1000).then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// Never outlive the load generator that started this process.
process.on("disconnect", () => process.exit(0));
