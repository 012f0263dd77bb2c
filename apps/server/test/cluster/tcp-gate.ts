import net from "node:net";

/** A TCP proxy that can cut every connection and refuse new ones for a while: Redis unreachable. */
export interface TcpGate {
  readonly port: number;
  /** Cuts every connection and refuses new ones until {@link open}. */
  close(): void;
  open(): void;
  stop(): Promise<void>;
}

/** Starts a gate on a free port in front of `127.0.0.1:targetPort`. */
export async function startTcpGate(targetPort: number): Promise<TcpGate> {
  const sockets = new Set<net.Socket>();
  let closed = false;
  const server = net.createServer((client) => {
    if (closed) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close() {
      closed = true;
      for (const s of sockets) s.destroy();
    },
    open() {
      closed = false;
    },
    stop() {
      closed = true;
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
