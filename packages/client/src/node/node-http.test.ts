import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransportRecorder } from "../transport-recorder.ts";
import { createNodeHttp } from "./node-http.ts";

/** A raw node:http server with a fixed answer, counting what it reads and writes on its sockets. */
let server: http.Server;
let base: string;
let host: string;
const serverSockets = new Set<Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "11" });
      res.end('{"ok":true}');
    });
  });
  server.on("connection", (socket) => serverSockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `http://${host}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const serverRead = () => [...serverSockets].reduce((n, s) => n + s.bytesRead, 0);
const serverWritten = () => [...serverSockets].reduce((n, s) => n + s.bytesWritten, 0);

describe("node-http byte accounting", () => {
  it("measures each exchange on the socket, headers included, and agrees with the protocol arithmetic", async () => {
    const stats = new TransportRecorder("poll", () => 0);
    const client = createNodeHttp(base, stats);
    const readBefore = serverRead();
    const writtenBefore = serverWritten();

    const get = await client.request({ method: "GET", path: "/x", purpose: "poll" });
    // "GET /x HTTP/1.1\r\n" + "Host: …\r\n" + "Connection: keep-alive\r\n" + "\r\n"
    const getHead = 17 + (6 + host.length + 2) + 24 + 2;
    // "HTTP/1.1 200 OK\r\n" + Content-Type (32) + Content-Length (20) + Date (37)
    // + "Connection: keep-alive\r\n" (24) + "Keep-Alive: timeout=5\r\n" (23) + "\r\n", then the body.
    const answer = 17 + 32 + 20 + 37 + 24 + 23 + 2 + 11;
    expect(get).toEqual({
      status: 200,
      body: '{"ok":true}',
      requestBytes: getHead,
      responseBytes: answer,
      sizeSource: "measured",
    });

    const body = '{"data":"é"}';
    const post = await client.request({ method: "POST", path: "/x", body, purpose: "publish" });
    // Same socket (keep-alive); adds "Content-Type: application/json\r\n" (32) and "Content-Length: 13\r\n" (20).
    const postHead = 18 + (6 + host.length + 2) + 32 + 20 + 24 + 2;
    expect(post.requestBytes).toBe(postHead + 13);
    expect(post.responseBytes).toBe(answer);

    const snapshot = stats.snapshot();
    expect(snapshot.httpRequests).toBe(2);
    expect(snapshot.publishes).toBe(1);
    expect(snapshot.bytesOut).toEqual({
      bytes: getHead + postHead + 13,
      measured: getHead + postHead + 13,
      computed: 0,
      source: "measured",
    });
    expect(snapshot.bytesIn).toEqual({
      bytes: 2 * answer,
      measured: 2 * answer,
      computed: 0,
      source: "measured",
    });
    expect(stats.extras()).toMatchObject({
      computedEstimateIn: 2 * answer,
      computedEstimateOut: getHead + postHead + 13,
    });
    // The server's own socket counters, an independent measurement, say the same.
    expect(serverRead() - readBefore).toBe(getHead + postHead + 13);
    expect(serverWritten() - writtenBefore).toBe(2 * answer);

    await client.close();
    // Closed sockets keep their final counts in the snapshot.
    expect(stats.snapshot().bytesIn.bytes).toBe(2 * answer);
  });

  it("resolves every close() made while its sockets are still closing", async () => {
    const stats = new TransportRecorder("poll", () => 0);
    const client = createNodeHttp(base, stats);
    await client.request({ method: "GET", path: "/x", purpose: "poll" });
    // The keep-alive socket is still open: both calls wait for it, and both must settle.
    const closes = Promise.all([client.close(), client.close()]).then(() => "closed");
    const timeout = new Promise((resolve) => setTimeout(resolve, 2000, "timed out"));
    expect(await Promise.race([closes, timeout])).toBe("closed");
  });

  it("does not count clock requests as transport requests", async () => {
    const stats = new TransportRecorder("sse", () => 0);
    const client = createNodeHttp(base, stats);
    await client.request({ method: "GET", path: "/api/time", purpose: "clock" });
    expect(stats.snapshot().httpRequests).toBe(0);
    expect(stats.clockRequests).toBe(1);
    await client.close();
  });
});
