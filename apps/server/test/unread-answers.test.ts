import net from "node:net";
import type { PollResponse } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { eventually, from, type Harness, withServer } from "./helpers.ts";

const MIB = 1024 * 1024;

/**
 * Polls `earliest` from `localAddress` on a raw socket and never reads the answer: it stays in
 * the server (the kernel's buffers take a few MiB at most). Resolves once the server has begun
 * answering, with the socket to destroy.
 */
async function unreadPoll(h: Harness, localAddress: string): Promise<net.Socket> {
  const { port } = new URL(h.url);
  const socket = net.connect({ host: "127.0.0.1", port: Number(port), localAddress });
  h.defer(() => socket.destroy());
  await new Promise((ok) => socket.once("connect", ok));
  socket.write(`GET /api/channels/big/poll?cursor=earliest HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  await new Promise((ok) => socket.once("data", ok)); // the first bytes: the answer is being written
  socket.pause();
  return socket;
}

/**
 * A server with a 48 MiB unsent budget for answers of up to `maxPollBytes`, and ~53 MiB of
 * messages (900 × 60 KiB) on channel "big"; `poll(address)` reads its `earliest`.
 * 48 MiB is more than the kernel's loopback buffers take from a reader that stops (up to ~36 MiB
 * here; 23–31 MiB seen), so most of an unread answer stays in the server.
 */
function withBigChannel(
  maxPollBytes: number,
  fn: (
    h: Harness,
    poll: (address: string, cursor?: string) => Promise<{ body: PollResponse }>,
  ) => Promise<void>,
) {
  const options = {
    rateLimit: 0,
    maxPollBytes,
    maxUnsentPollBytes: 48 * MIB,
    maxChannelBytes: 64 * MIB,
    maxRetainedBytes: 64 * MIB,
  };
  return withServer(options, async (h) => {
    const data = "u".repeat(60 * 1024);
    for (let i = 0; i < 900; i++) await h.publish("big", data);
    const poll = (address: string, cursor = "earliest") =>
      from(address)<PollResponse>(h.channelUrl("big", "poll", { cursor }));
    await fn(h, poll);
  });
}

describe("answers an address leaves unread", () => {
  it("count against MAX_UNSENT_POLL_BYTES: past it that address gets one message per answer, others are untouched, and reading or leaving frees it", async () => {
    // Answers of 48 MiB (the budget), larger than maxPollBytes would allow.
    await withBigChannel(64 * MIB, async (h, poll) => {
      const greedy = "127.0.0.2";

      const socket = await unreadPoll(h, greedy);
      // The greedy address's next poll carries its first message only, and says more is waiting …
      const small = await poll(greedy);
      expect(small.body.messages.map((m) => m.seq)).toEqual([1]);
      expect(small.body.more).toBe(true);
      // … and it still makes progress from there.
      const next = await poll(greedy, small.body.cursor);
      expect(next.body.messages.map((m) => m.seq)).toEqual([2]);
      // Another address is not held back by it.
      const other = await poll("127.0.0.3");
      expect(other.body.messages.length).toBeGreaterThan(800); // a whole budget of 48 MiB
      // Once the unread answer's connection goes, the address gets whole answers again.
      socket.destroy();
      await eventually(async () => expect((await poll(greedy)).body.messages.length).toBeGreaterThan(800));
    });
  });

  it("answers queued behind others on a pipelined connection are released when it closes", async () => {
    await withBigChannel(32 * MIB, async (h, poll) => {
      const greedy = "127.0.0.2";
      // Three polls in one write: the first answer (32 MiB) goes out, the other two (16 MiB, and
      // the first message only) wait behind it; then the client leaves without reading. Node gives
      // the two waiting responses neither `finish` nor `close`.
      const { port } = new URL(h.url);
      const socket = net.connect({ host: "127.0.0.1", port: Number(port), localAddress: greedy });
      h.defer(() => socket.destroy());
      await new Promise((ok) => socket.once("connect", ok));
      const get = `GET /api/channels/big/poll?cursor=earliest HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
      socket.write(get.repeat(3));
      await new Promise((ok) => socket.once("data", ok));
      socket.destroy();
      // Every share comes back: the greedy address gets as much as an untouched one (32 MiB).
      const full = (await poll("127.0.0.3")).body.messages.length;
      expect(full).toBeGreaterThan(500);
      await eventually(async () => expect((await poll(greedy)).body.messages.length).toBe(full));
    });
  });

  it("an answer that was read frees its bytes: a reading poller is never cut down", async () => {
    await withServer({ rateLimit: 0, maxUnsentPollBytes: 2 * MIB }, async (h) => {
      const data = "r".repeat(60 * 1024);
      for (let i = 0; i < 40; i++) await h.publish("big", data);
      for (let n = 0; n < 10; n++) {
        const res = await from("127.0.0.2")<PollResponse>(
          h.channelUrl("big", "poll", { cursor: "earliest" }),
        );
        expect(res.body.messages).toHaveLength(17); // ~1 MiB (MAX_POLL_BYTES), every time
      }
    });
  });
});
