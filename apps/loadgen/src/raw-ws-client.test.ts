import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { openRawWs, type RawWs } from "./raw-ws-client.ts";

/** A real `ws` server on port 0; `onConnection` gets every socket. */
async function wsServer(onConnection: (ws: import("ws").WebSocket) => void) {
  const http = createServer((_req, res) => {
    res.writeHead(403).end();
  });
  const wss = new WebSocketServer({ server: http, path: "/ok", perMessageDeflate: false });
  wss.on("connection", onConnection);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0)) await fn();
});

describe("openRawWs", () => {
  it("reads text frames of every header size, in order, however TCP splits them", async () => {
    const last = '{"type":"message","seq":3}';
    const texts = ["short", "x".repeat(200), "y".repeat(70_000), last];
    const server = await wsServer((ws) => {
      for (const text of texts) ws.send(text);
    });
    cleanups.push(server.close);
    const got: string[] = [];
    let bytes = 0;
    const done = new Promise<void>((resolve, reject) => {
      const ws: RawWs = openRawWs(`${server.url}/ok`, "127.0.0.1", {
        onOpen: () => {},
        onText(frame, start, end) {
          got.push(frame.toString("utf8", start, end));
          if (got.length === texts.length) resolve();
        },
        onBytes: (n) => {
          bytes += n;
        },
        onFail: reject,
      });
      cleanups.push(() => ws.destroy());
    });
    await done;
    expect(got).toEqual(texts);
    // 2-, 4- and 10-byte headers.
    expect(bytes).toBe(2 + 5 + 4 + 200 + 10 + 70_000 + 2 + last.length);
  });

  it("answers a ping with a pong carrying its payload, and sends masked text the server reads", async () => {
    let pong: Buffer | undefined;
    let text: string | undefined;
    const heard = new Promise<void>((resolve) => {
      void wsServer((ws) => {
        ws.on("pong", (data) => {
          pong = data;
          if (text !== undefined) resolve();
        });
        ws.on("message", (data) => {
          text = String(data);
          if (pong !== undefined) resolve();
        });
        ws.ping("hb");
      }).then((server) => {
        cleanups.push(server.close);
        const ws = openRawWs(`${server.url}/ok`, "127.0.0.1", {
          onOpen: () => ws.sendText("40{}"),
          onText: () => {},
          onBytes: () => {},
          onFail: () => {},
        });
        cleanups.push(() => ws.destroy());
      });
    });
    await heard;
    expect(pong?.toString()).toBe("hb");
    expect(text).toBe("40{}");
  });

  it("fails with the status of a refused handshake", async () => {
    const server = await wsServer(() => {});
    cleanups.push(server.close);
    const err = await new Promise<Error>((resolve) => {
      const ws = openRawWs(`${server.url}/refused`, "127.0.0.1", {
        onOpen: () => resolve(new Error("opened")),
        onText: () => {},
        onBytes: () => {},
        onFail: resolve,
      });
      cleanups.push(() => ws.destroy());
    });
    expect(err.message).toMatch(/handshake answered HTTP\/1\.1 (400|403|404)/);
  });
});
