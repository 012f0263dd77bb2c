import http from "node:http";
import type { PollResponse } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { openWs, refusedWs } from "./clients.ts";
import { eventually, expectError, from, JSON_HEADERS, range, request, withServer } from "./helpers.ts";
import { RawHttp } from "./raw-http.ts";

/** Channel names the server holds. */
async function channelNames(url: string): Promise<string[]> {
  const { body } = await request<{ channels: { channel: string }[] }>(`${url}/api/channels`);
  return body.channels.map((c) => c.channel).sort();
}

/** A held SSE stream from `localAddress`; resolves with its status once the head arrives. */
function sseFrom(url: string, localAddress: string) {
  return new Promise<{ status: number; req: http.ClientRequest }>((resolve, reject) => {
    const req = http.get(url, { localAddress, agent: false }, (res) => {
      resolve({ status: res.statusCode ?? 0, req });
      if (res.statusCode !== 200) res.resume();
    });
    req.on("error", reject);
  });
}

describe("per-address limits", () => {
  it("one address can hold at most MAX_CONNECTIONS_PER_ADDRESS; everyone else still gets in", async () => {
    await withServer({ maxConnectionsPerAddress: 3 }, async (h) => {
      const greedy = "127.0.0.2";
      await h.ws("chat", {}, { localAddress: greedy });
      await h.ws("chat", {}, { localAddress: greedy });
      const sse = await sseFrom(h.channelUrl("chat", "sse"), greedy);
      h.defer(() => sse.req.destroy());
      expect(sse.status).toBe(200);
      // Its fourth, on any held transport, is refused …
      expect((await refusedWs(h.wsUrl("chat"), { localAddress: greedy })).status).toBe(503);
      await expectError(from(greedy)(h.channelUrl("chat", "sse")), 503, "connection_limit");
      await expectError(
        from(greedy)(h.channelUrl("chat", "long-poll", { timeout: "1000" })),
        503,
        "connection_limit",
      );
      // … while polls and publishes, which hold nothing, still work for it.
      expect((await from(greedy)(h.channelUrl("chat", "poll"))).status).toBe(200);
      const pub = await from(greedy)(h.channelUrl("chat", "messages"), {
        method: "POST",
        headers: JSON_HEADERS,
        body: '{"data":1}',
      });
      expect(pub.status).toBe(201);
      // Other users are not locked out.
      for (const other of ["127.0.0.3", "127.0.0.4"]) {
        expect((await (await h.ws("chat", {}, { localAddress: other })).next()).type).toBe("hello");
      }
      // A connection that leaves frees its slot.
      sse.req.destroy();
      await eventually(async () => expect((await h.info("chat")).subscribers.sse).toBe(0));
      expect((await (await h.ws("chat", {}, { localAddress: greedy })).next()).type).toBe("hello");
    });
  });
});

describe("channel squatting", () => {
  it("reads on new names leave no channel behind: 150 polls, then streams that close", async () => {
    await withServer({ maxChannels: 100 }, async (h) => {
      // What an <img src> on any web page can do: a GET per name.
      for (let i = 0; i < 150; i++) {
        const res = await request<PollResponse>(h.channelUrl(`squat-${i}`, "poll"));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ cursor: expect.stringMatching(/^[A-Za-z0-9_-]{12}:0$/), messages: [] });
      }
      expect(await channelNames(h.url)).toEqual(["chat"]);
      // A held read makes the channel for as long as it is held.
      const ws = await h.ws("held");
      const curl = h.curl("held-too");
      await curl.events.next();
      const poll = request<PollResponse>(h.channelUrl("waited", "long-poll", { timeout: "200" }));
      await eventually(async () =>
        expect(await channelNames(h.url)).toEqual(["chat", "held", "held-too", "waited"]),
      );
      await poll;
      ws.socket.close();
      curl.kill();
      await eventually(async () => expect(await channelNames(h.url)).toEqual(["chat"]));
      // A channel someone published to stays.
      await h.publish("kept", 1);
      expect(await channelNames(h.url)).toEqual(["chat", "kept"]);
    });
  });

  it("a cursor from a channel that came and went still fits: same epoch, no reset", async () => {
    await withServer({}, async (h) => {
      const { cursor } = await h.poll("later");
      const ws = await h.ws("later");
      const hello = (await ws.next()) as { cursor: string };
      expect(hello.cursor).toBe(cursor);
      ws.socket.close();
      await eventually(async () => expect(await channelNames(h.url)).toEqual(["chat"]));
      await h.publish("later", "first");
      expect(await h.poll("later", { cursor })).toEqual({
        cursor: cursor.replace(/:0$/, ":1"),
        messages: [expect.objectContaining({ seq: 1, data: "first" })],
      });
    });
  });

  it("upgrades that ws itself refuses leave no channel behind", async () => {
    await withServer({}, async (h) => {
      /** The status line answering a raw upgrade of /api/channels/<name>/ws with these headers. */
      const upgrade = async (name: string, headers: string) => {
        const raw = await RawHttp.open(h.server.port);
        raw.write(
          `GET /api/channels/${name}/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${headers}\r\n`,
        );
        return (await raw.rest()).toString("latin1").split("\r\n")[0];
      };
      const key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
      expect(await upgrade("no-key", "Sec-WebSocket-Version: 13\r\n")).toBe("HTTP/1.1 400 Bad Request");
      expect(await upgrade("bad-key", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n")).toBe(
        "HTTP/1.1 400 Bad Request",
      );
      expect(await upgrade("old-version", `Sec-WebSocket-Version: 99\r\n${key}`)).toMatch(/^HTTP\/1.1 400/);
      expect(
        await upgrade("bad-protocol", `Sec-WebSocket-Version: 13\r\n${key}Sec-WebSocket-Protocol: a,,b\r\n`),
      ).toBe("HTTP/1.1 400 Bad Request");
      expect(await channelNames(h.url)).toEqual(["chat"]);
      // A good handshake on the same path still opens.
      expect((await (await h.ws("no-key")).next()).type).toBe("hello");
    });
  });

  it("held reads refused at the connection cap leave no channel behind", async () => {
    await withServer({ maxConnectionsPerAddress: 2 }, async (h) => {
      const greedy = "127.0.0.2";
      // A burst of held reads on new names from one address at its cap. (Where the second check,
      // once the channel is made, refuses a connection is in hub.test.ts: without Redis nothing
      // waits between a read's two checks.)
      const ws = range(1, 8).map((i) => openWs(h.wsUrl(`burst-ws-${i}`), { localAddress: greedy }));
      const sse = range(1, 8).map((i) => sseFrom(h.channelUrl(`burst-sse-${i}`, "sse"), greedy));
      const polls = range(1, 8).map((i) =>
        from(greedy)(h.channelUrl(`burst-lp-${i}`, "long-poll", { timeout: "1500" })),
      );
      const opened = (await Promise.allSettled(ws)).flatMap((r) =>
        r.status === "fulfilled" ? [r.value] : [],
      );
      const streams = (await Promise.all(sse)).filter((r) => r.status === 200);
      const answered = await Promise.all(polls);
      try {
        const refused = 24 - opened.length - streams.length - answered.filter((r) => r.status === 200).length;
        expect(refused).toBeGreaterThanOrEqual(22);
        expect(answered.filter((r) => r.status !== 200).every((r) => r.status === 503)).toBe(true);
        // The channels left are chat and those of the connections still held.
        expect((await channelNames(h.url)).length).toBe(1 + opened.length + streams.length);
      } finally {
        for (const c of opened) c.socket.close();
        for (const s of streams) s.req.destroy();
      }
      await eventually(async () => expect(await channelNames(h.url)).toEqual(["chat"]));
    });
  });

  it("one address cannot use up the channel limit", async () => {
    await withServer({ maxChannels: 10, maxChannelsPerAddress: 3 }, async (h) => {
      const publishFrom = (address: string, channel: string) =>
        from(address)(h.channelUrl(channel, "messages"), {
          method: "POST",
          headers: JSON_HEADERS,
          body: '{"data":1}',
        });
      for (const ch of ["a1", "a2", "a3"]) expect((await publishFrom("127.0.0.2", ch)).status).toBe(201);
      await expectError(publishFrom("127.0.0.2", "a4"), 503, "channel_limit");
      expect((await refusedWs(h.wsUrl("a5"), { localAddress: "127.0.0.2" })).status).toBe(503);
      // Publishing to a channel it did not create is fine; another address can still create.
      expect((await publishFrom("127.0.0.2", "chat")).status).toBe(201);
      expect((await publishFrom("127.0.0.3", "b1")).status).toBe(201);
      expect(await channelNames(h.url)).toEqual(["a1", "a2", "a3", "b1", "chat"]);
    });
  });
});
