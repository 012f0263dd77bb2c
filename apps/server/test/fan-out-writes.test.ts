import { describe, expect, it } from "vitest";
import type { LogEntry } from "../src/log-entry.ts";
import { canWriteRaw } from "../src/transports/ws-frame.ts";
import { withServer } from "./helpers.ts";

/** `data` JSON of a string of `n` characters (`é` counts two bytes on the wire). */
const text = (n: number) => JSON.stringify(`é${"x".repeat(n - 1)}`);

describe("fan-out writes: one pre-encoded frame or chunk per message, a tick's writes coalesced", () => {
  it("WebSocket frames written past `ws` arrive whole at every header size, in order, around a reply", async () => {
    await withServer({ rateLimit: 0 }, async (h) => {
      const clients = [await h.ws("c"), await h.ws("c")];
      for (const c of clients) expect((await c.next()).type).toBe("hello");
      // Every lab socket takes the raw path (a `ws` upgrade that renamed its internals fails here).
      for (const socket of h.server.instance.wss.clients) expect(canWriteRaw(socket)).toBe(true);
      const hub = h.server.instance.context.hub;
      const channel = await hub.obtain("c", undefined);
      const pinged = clients[0];
      pinged?.send({ type: "ping", ref: "between" });
      // Payloads with 7-bit, 16-bit and 64-bit lengths, all appended in one tick: coalesced into
      // one write per socket.
      const entries: Promise<LogEntry>[] = [10, 30, 200, 65_400, 65_600, 200_000].map((n) =>
        hub.append(channel, text(n)),
      );
      const expected = (await Promise.all(entries)).map((e) => `{"type":"message",${e.json.slice(1)}`);
      expect(expected.map((f) => Buffer.byteLength(f) < 126)).toEqual([
        true,
        true,
        false,
        false,
        false,
        false,
      ]);
      expect(expected.map((f) => Buffer.byteLength(f) < 65_536)).toEqual([
        true,
        true,
        true,
        true,
        false,
        false,
      ]);
      for (const c of clients) {
        const frames: string[] = [];
        for (let i = 0; i < expected.length + (c === pinged ? 1 : 0); i++) frames.push(await c.nextRaw());
        expect(frames.filter((f) => f.startsWith('{"type":"message"'))).toEqual(expected);
        if (c === pinged) expect(frames.filter((f) => f.includes('"ref":"between"'))).toHaveLength(1);
      }
      const m = (await h.metrics()).transports.ws;
      expect(m.bytesOut).toBe(2 * expected.reduce((n, f) => n + Buffer.byteLength(f), 0));
    });
  });

  it("SSE events written past Node's chunking arrive whole and in order, multibyte text included", async () => {
    await withServer({ rateLimit: 0 }, async (h) => {
      const curl = h.curl("s");
      const es = await h.eventSource("s");
      expect((await curl.events.next()).event).toBe("hello");
      expect((await es.events.next()).type).toBe("hello");
      const hub = h.server.instance.context.hub;
      const channel = await hub.obtain("s", undefined);
      const entries = await Promise.all([5, 300, 70_000, 12].map((n) => hub.append(channel, text(n))));
      const viaCurl = await curl.events.take(4);
      expect(viaCurl.map((e) => [e.id, e.data])).toEqual(entries.map((e) => [`${e.epoch}:${e.seq}`, e.json]));
      const viaEs = await es.events.take(4);
      expect(viaEs.map((e) => [e.lastEventId, e.data])).toEqual(
        entries.map((e) => [`${e.epoch}:${e.seq}`, e.json]),
      );
    });
  });
});
