import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig, usage } from "./config.ts";
import { startServer } from "./server.ts";
import { isLoopbackHost, lanAddresses, newTeacherToken, startupLines } from "./startup-links.ts";

/** The production entry: config from flags and env, one process serving the API and the built web app. */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`transport-lab-server: ${err instanceof Error ? err.message : err}\n\n${usage()}`);
    process.exit(2);
  }
  if (config.help) {
    console.log(usage());
    return;
  }
  const webDist = fileURLToPath(new URL("../../web/dist", import.meta.url));
  const staticDir = config.options.staticDir ?? (existsSync(webDist) ? webDist : undefined);
  const { host } = config.listen;
  // Beyond loopback anyone on the network can reach the teacher's endpoints: unless a token was
  // given, make one for this run (as Jupyter does) and hand it over in the teacher link.
  const generatedToken =
    config.options.adminToken === undefined && !isLoopbackHost(host) ? newTeacherToken() : undefined;
  const adminToken = config.options.adminToken ?? generatedToken;
  const server = await startServer({ ...config.options, adminToken, staticDir, ...config.listen });
  for (const line of startupLines({
    host,
    port: server.port,
    generatedToken,
    lan: lanAddresses(host),
    allowedOrigins: config.options.allowedOrigins ?? [],
  })) {
    console.log(line);
  }
  if (!staticDir) console.log("No web build found: serving a placeholder page at /");
  if (config.options.adminToken) console.log("Admin token set: generator and disconnect need it");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: closing connections…`);
    server.close().then(() => {
      console.log("closed");
      process.exit(0);
    });
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  if (process.send) {
    // Started by another program (the load generator): tell it the port, stop when it goes.
    process.send({ port: server.port });
    process.on("disconnect", () => stop("parent gone"));
  }
}

main().catch((err: NodeJS.ErrnoException) => {
  if (err.message?.startsWith("cannot reach Redis")) {
    console.error(
      `transport-lab-server: ${err.message}. Is redis-server running? (Debian: apt-get install redis-server)`,
    );
  } else if (err.code === "EADDRINUSE" || err.code === "EACCES") {
    console.error(
      `transport-lab-server: cannot listen: ${err.message}. Pick another port with PORT=… or --port.`,
    );
  } else {
    console.error(err);
  }
  process.exit(1);
});
