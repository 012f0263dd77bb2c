import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransportRecorder } from "../transport-recorder.ts";
import { createFetchHttp } from "./fetch-http.ts";

// The browser build's HTTP (`fetch`) on Node's fetch, against a raw node:http server whose own
// socket counters are the independent measurement of what crossed the wire.
let server: http.Server;
let base: string;
const serverSockets = new Set<Socket>();
const BODY = JSON.stringify({ messages: [], cursor: "e:0", pad: "x".repeat(3000) });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(BODY.length) });
      res.end(BODY);
    });
  });
  server.on("connection", (socket) => serverSockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const serverWritten = () => [...serverSockets].reduce((n, s) => n + s.bytesWritten, 0);

describe("fetch-http byte accounting", () => {
  it("counts a whole answer, body included, by the time the request resolves, and keeps it when Resource Timing reports it", async () => {
    const stats = new TransportRecorder("poll", () => 0);
    const client = createFetchHttp(base, stats);
    const before = serverWritten();
    const result = await client.request({ method: "GET", path: "/api/channels/c/poll", purpose: "poll" });
    const wire = serverWritten() - before;
    expect(result.body).toBe(BODY);
    // A figure read at this moment (a window closing, a panel pausing) holds the whole answer:
    // the body's Resource Timing entry comes later, or never.
    expect(stats.snapshot().bytesIn.bytes).toBe(wire);
    expect(result.responseBytes).toBe(wire);
    // When the entry arrives it changes where the body's bytes come from, not how many there are.
    // Node reports fetch entries as a browser does.
    const deadline = Date.now() + 5000;
    while (stats.snapshot().bytesIn.measured === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const after = stats.snapshot().bytesIn;
    expect(after).toEqual({
      bytes: wire,
      measured: BODY.length,
      computed: wire - BODY.length,
      source: "mixed",
    });
    expect(stats.extras().computedEstimateIn).toBe(wire);
    await client.close();
  });
});
