import { type ChannelInfo, CLOSE_CODES, type Envelope, type HelloFrame } from "@transport-lab/protocol";
import { createClient } from "redis";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { EPOCH_SPAN_FACTOR } from "../src/redis/epochs.ts";
import { channelKeys } from "../src/redis/keys.ts";
import { START_EPOCH_REUSE_MS } from "../src/redis/redis-channel-log.ts";
import { plainText, WELCOME } from "../src/transports/plain-ws.ts";
import { Inbox } from "./clients.ts";
import { type ClusterHarness, withCluster } from "./cluster/cluster-harness.ts";
import { startTcpGate } from "./cluster/tcp-gate.ts";
import { eventually, range, request, sleep } from "./helpers.ts";
import { openResumingClient } from "./resuming-clients.ts";

/** A `socket.io-client` socket on `base`, its `message` events kept in order. */
function sio(c: ClusterHarness, base: string, options: Partial<ManagerOptions & SocketOptions>) {
  const socket: Socket = io(base, { reconnection: false, ...options });
  const envelopes: Envelope[] = [];
  const hello = new Inbox<HelloFrame>();
  socket.on("message", (m: Envelope) => envelopes.push(m));
  socket.on("hello", (m: HelloFrame) => hello.push(m));
  c.defer(() => socket.close());
  return { socket, envelopes, hello };
}

/** A plain WebSocket client of `/` on `base`, its text frames kept in order. */
function plain(c: ClusterHarness, base: string) {
  const ws = new WebSocket(base.replace(/^http/, "ws"));
  const texts = new Inbox<string>();
  const closed = new Promise<number>((resolve) => ws.on("close", resolve));
  ws.on("message", (data) => texts.push(data.toString()));
  ws.on("error", () => {});
  c.defer(() => ws.terminate());
  return { ws, texts, closed };
}

describe("the guest endpoints on instances sharing channels through Redis", () => {
  it("Socket.IO clients on both instances get the lab's envelopes 1..N, and plain clients chat's text, as a lab WebSocket does", {
    timeout: 60_000,
  }, async () => {
    await withCluster({}, async (c) => {
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      // One over WebSocket only, one as the explainer writes it (polling, then the upgrade).
      const sios = [
        sio(c, a, { auth: { channel: "guests" }, transports: ["websocket"] }),
        sio(c, b, { auth: { channel: "guests" } }),
      ];
      const plains = [plain(c, a), plain(c, b)];
      const sioChat = sio(c, b, { transports: ["websocket"] });
      const labGuests = openResumingClient("ws", a, "guests");
      const labChat = openResumingClient("ws", b, "chat");
      c.defer(() => {
        labGuests.close();
        labChat.close();
      });
      for (const s of [...sios, sioChat]) await s.hello.next();
      for (const p of plains) expect(await p.texts.next()).toBe(WELCOME);

      const N = 200;
      for (let i = 1; i <= N; i++) {
        // Both instances publish, on the guests' channel and on chat.
        await Promise.all([
          c.publish(i % 2 ? a : b, "guests", { i }),
          c.publish(i % 2 ? b : a, "chat", { i }),
        ]);
      }
      // The guests' own lines enter chat through the instance they are on.
      plains[0]?.ws.send("plain on a");
      sioChat.socket.emit("message", "sio on b");
      await eventually(() => {
        expect(labGuests.seqs.length).toBeGreaterThanOrEqual(N);
        expect(labChat.seqs.length).toBeGreaterThanOrEqual(N + 2);
        for (const s of sios) expect(s.envelopes.length).toBeGreaterThanOrEqual(N);
        for (const p of plains) expect(p.texts.size).toBeGreaterThanOrEqual(N + 2);
      }, 20_000);

      expect(labGuests.seqs).toEqual(range(1, N));
      for (const s of sios) expect(s.envelopes).toEqual(labGuests.envelopes);
      expect(labChat.seqs).toEqual(range(1, N + 2));
      const chatTexts = labChat.envelopes.map((e) => plainText(e.data));
      expect(chatTexts.slice(N).sort()).toEqual(["Socket.IO: sio on b", "plain on a"]);
      for (const p of plains) expect(await p.texts.take(N + 2)).toEqual(chatTexts);
      await eventually(() => expect(sioChat.envelopes.length).toBe(N + 2), 5000);
      expect(sioChat.envelopes).toEqual(labChat.envelopes);
    });
  });

  it("a Socket.IO client resumes on the other instance from a cursor the first one gave", {
    timeout: 60_000,
  }, async () => {
    await withCluster({}, async (c) => {
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      const first = sio(c, a, { auth: { channel: "resume" }, transports: ["websocket"] });
      const { epoch } = await first.hello.next();
      for (let i = 1; i <= 30; i++) await c.publish(i % 2 ? a : b, "resume", { i });
      await eventually(() => expect(first.envelopes.length).toBe(30), 10_000);
      first.socket.close();
      const last = first.envelopes[19] as Envelope;
      const cursor = `${epoch}:${last.seq}`;
      for (let i = 31; i <= 40; i++) await c.publish(a, "resume", { i });
      const again = sio(c, b, { auth: { channel: "resume", cursor }, transports: ["websocket"] });
      expect((await again.hello.next()).cursor).toBe(cursor);
      await eventually(() => expect(again.envelopes.length).toBe(20), 10_000);
      expect(again.envelopes.map((e) => e.seq)).toEqual(range(21, 40));
      expect(again.envelopes.map((e) => (e.data as { i: number }).i)).toEqual(range(21, 40));
    });
  });

  it("when Redis forgets `chat` and it comes back in a new epoch, new plain and Socket.IO clients get its messages while the old ones are still closing", {
    timeout: 60_000,
  }, async () => {
    // A channel Redis has no log of comes back in the epoch of the current span, which changes
    // every EPOCH_SPAN_FACTOR × CHANNEL_IDLE_MS (1 s here).
    const channelIdleMs = 100;
    const spanMs = EPOCH_SPAN_FACTOR * channelIdleMs;
    await withCluster({ options: { channelIdleMs } }, async (c) => {
      const [a, b] = c.instances as [(typeof c.instances)[0], (typeof c.instances)[0]];
      const direct = createClient({ url: c.redis.url });
      await direct.connect();
      c.defer(() => direct.destroy());
      // The old clients reach A through a gate that can hold their traffic: a close A sends them
      // then stays unanswered, so A still counts them while the channel begins anew. That holds
      // the plain client (its endpoint must subscribe again on the next open: fails without).
      // Engine.IO ends a session as soon as it sends its close, so the old Socket.IO client leaves
      // the room feed at once; for it the test checks the resume across the new epoch.
      const gate = await startTcpGate(a.port);
      c.defer(() => gate.stop());
      const gated = `http://127.0.0.1:${gate.port}`;
      const oldPlain = plain(c, gated);
      const oldSio = sio(c, gated, { transports: ["websocket"] });
      const { epoch: oldEpoch } = await oldSio.hello.next();
      expect(await oldPlain.texts.next()).toBe(WELCOME);
      for (const n of [1, 2, 3]) await c.publish(b.url, "chat", `old ${n}`);
      expect(await oldPlain.texts.take(3)).toEqual(["old 1", "old 2", "old 3"]);
      await eventually(() => expect(oldSio.envelopes.map((e) => e.seq)).toEqual([1, 2, 3]), 5000);

      gate.hold();
      const sioGone = new Promise((resolve) => oldSio.socket.on("disconnect", resolve));
      await direct.del([channelKeys("chat").meta, channelKeys("chat").stream]);
      // Past the first epoch's span, and past the time for which an instance reuses the epoch it
      // computed for a new log.
      await sleep(Math.max(spanMs, START_EPOCH_REUSE_MS) + 100);
      const first = await c.publish(b.url, "chat", "new 1");
      const [newEpoch, seq] = first.cursor.split(":");
      expect(newEpoch).not.toBe(oldEpoch);
      expect(seq).toBe("1");
      // A has seen the new epoch, so it has cut its clients of `chat`; the gate holds their closes.
      await eventually(async () => {
        const info = await request<ChannelInfo>(`${a.url}/api/channels/chat`);
        expect(info.body.epoch).toBe(newEpoch);
      }, 5000);

      const newPlain = plain(c, a.url);
      const newSio = sio(c, a.url, {
        auth: { cursor: `${oldEpoch}:3` },
        transports: ["websocket"],
      });
      const resets: string[] = [];
      newSio.socket.on("reset", (r: { reason: string }) => resets.push(r.reason));
      expect(await newPlain.texts.next()).toBe(WELCOME);
      await newSio.hello.next();
      await eventually(() => expect(newSio.envelopes.map((e) => e.seq)).toEqual([1]), 5000);
      for (const n of [2, 3]) await c.publish(b.url, "chat", `new ${n}`);
      expect(await newPlain.texts.take(2)).toEqual(["new 2", "new 3"]);
      await eventually(() => expect(newSio.envelopes.map((e) => e.seq)).toEqual([1, 2, 3]), 5000);
      expect(newSio.envelopes.map((e) => e.data)).toEqual(["new 1", "new 2", "new 3"]);
      expect(resets).toEqual(["epoch"]);

      // The old plain client is still open (A's close waits in the gate); once the gate lets it
      // through it gets that close and nothing else, and the new clients go on.
      expect(oldPlain.ws.readyState).toBe(WebSocket.OPEN);
      expect(oldPlain.texts.size).toBe(0);
      gate.release();
      expect(await oldPlain.closed).toBe(CLOSE_CODES.serviceRestart);
      expect(oldPlain.texts.size).toBe(0);
      await sioGone;
      expect(oldSio.envelopes.map((e) => e.seq)).toEqual([1, 2, 3]);
      await c.publish(b.url, "chat", "new 4");
      expect(await newPlain.texts.next()).toBe("new 4");
      await eventually(() => expect(newSio.envelopes.map((e) => e.seq)).toEqual([1, 2, 3, 4]), 5000);
    });
  });

  it("Socket.IO clients resuming on one instance while the other publishes nonstop get every message once, in order", {
    timeout: 60_000,
  }, async () => {
    await withCluster({}, async (c) => {
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      const channels = ["r1", "r2", "r3", "r4"];
      // Each channel is published to through B as fast as it answers; A follows it through pub/sub,
      // while a backlog read from Redis can be ahead of what A's subscription has handed over.
      const heads = new Map<string, string>();
      let publishing = true;
      const publishers = channels.map(async (ch) => {
        for (let i = 1; publishing && i <= 50_000; i++) heads.set(ch, (await c.publish(b, ch, { i })).cursor);
      });
      const problems: string[] = [];
      let resumes = 0;
      const resumers = channels.map(async (ch) => {
        await eventually(() => expect(heads.get(ch)).toBeDefined(), 5000);
        for (let r = 0; r < 30; r++) {
          const [epoch, seqText] = (heads.get(ch) as string).split(":") as [string, string];
          const after = Math.max(0, Number(seqText) - (r % 10));
          const s = sio(c, a, {
            auth: { channel: ch, cursor: `${epoch}:${after}` },
            transports: ["websocket"],
          });
          await s.hello.next();
          await eventually(() => expect(s.envelopes.length).toBeGreaterThanOrEqual(20), 10_000);
          s.socket.close();
          const seqs = s.envelopes.map((e) => e.seq);
          const want = range(after + 1, after + seqs.length);
          if (seqs.join() !== want.join()) problems.push(`${ch} after ${after}: ${seqs.join(",")}`);
          resumes += 1;
        }
      });
      try {
        await Promise.all(resumers);
      } finally {
        publishing = false;
        await Promise.all(publishers);
      }
      expect(resumes).toBe(channels.length * 30);
      expect(problems).toEqual([]);
    });
  });
});
