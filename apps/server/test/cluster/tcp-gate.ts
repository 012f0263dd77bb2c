import net from "node:net";

/**
 * A TCP proxy that can cut every connection and refuse new ones for a while (Redis unreachable),
 * or hold what its connections carry (a peer that has gone quiet without closing).
 */
export interface TcpGate {
  readonly port: number;
  /** Cuts every connection and refuses new ones until {@link open}. */
  close(): void;
  open(): void;
  /** Forwards nothing either way on the connections open now, which stay open, until {@link release}. */
  hold(): void;
  /** Forwards again on the held connections, what waited first. */
  release(): void;
  stop(): Promise<void>;
}

/** Starts a gate on a free port in front of `127.0.0.1:targetPort`. */
export async function startTcpGate(targetPort: number): Promise<TcpGate> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  const held = new Set<[net.Socket, net.Socket]>();
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
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => {
      pairs.delete(pair);
      upstream.destroy();
    });
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
    hold() {
      for (const pair of pairs) {
        if (held.has(pair)) continue;
        const [client, upstream] = pair;
        // Unread bytes stay in the sockets' buffers (and the kernel's) until the release.
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        held.add(pair);
      }
    },
    release() {
      for (const [client, upstream] of held) {
        if (client.destroyed || upstream.destroyed) continue;
        client.pipe(upstream);
        upstream.pipe(client);
      }
      held.clear();
    },
    stop() {
      closed = true;
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
