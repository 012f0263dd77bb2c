import net from "node:net";

/** A TCP proxy in front of a server that can reset its connections in the middle of a frame. */
export interface CuttingProxy {
  readonly port: number;
  /** Each open connection forwards part of its next server chunk, then both sides get a TCP RST. */
  cutAll(): number;
  /** Connections reset so far, and how many of those were cut inside a chunk (mid-frame). */
  readonly stats: { cuts: number; midFrame: number };
  close(): Promise<void>;
}

/** A small seeded generator (mulberry32), so a failing run replays the same cut offsets. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts a proxy on 127.0.0.1:0 to `127.0.0.1:targetPort`. */
export async function startCuttingProxy(targetPort: number, seed: number): Promise<CuttingProxy> {
  const random = seeded(seed);
  const stats = { cuts: 0, midFrame: 0 };
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; cutNext: boolean }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    const pair = { client, upstream, cutNext: false };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk: Buffer) => {
      if (!pair.cutNext) {
        client.write(chunk);
        return;
      }
      pairs.delete(pair);
      stats.cuts += 1;
      if (chunk.length > 1) {
        // Somewhere strictly inside the chunk: the client gets a torn frame, then a reset.
        const at = 1 + Math.floor(random() * (chunk.length - 1));
        client.write(chunk.subarray(0, at));
        stats.midFrame += 1;
      }
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stats,
    cutAll() {
      for (const pair of pairs) pair.cutNext = true;
      return pairs.size;
    },
    close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
