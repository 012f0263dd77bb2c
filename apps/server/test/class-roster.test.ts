import type { ClassRoster } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { refusedWs } from "./clients.ts";
import { eventually, request, withServer } from "./helpers.ts";

const roster = async (url: string) => (await request<ClassRoster>(`${url}/api/class`)).body;

describe("GET /api/class", () => {
  it("lists a page's transports from the ?client= of its requests, held ones until they close", async () => {
    await withServer({ historySize: 123 }, async (h) => {
      const id = "page-1234abcd";
      const ws = await h.ws("room", { client: id });
      await ws.next();
      const es = await h.eventSource("room", { client: id });
      await es.events.next();
      const head = await h.poll("room", { client: id });
      const held = fetch(
        h.channelUrl("room", "long-poll", { client: id, cursor: head.cursor, timeout: "5000" }),
      );
      // A client without an id, and one with a malformed id, are served alike and not listed.
      const anonymous = await h.ws("room");
      await anonymous.next();
      expect((await h.poll("room", { client: "no" })).cursor).toBe(head.cursor);

      await eventually(async () => {
        const r = await roster(h.url);
        expect(r.list).toEqual([
          {
            id,
            channel: "room",
            transports: ["ws", "sse", "longPoll", "poll"],
            held: 3,
            idleMs: expect.any(Number),
          },
        ]);
        expect(r.transports).toEqual({
          ws: { clients: 1, held: 1 },
          sse: { clients: 1, held: 1 },
          longPoll: { clients: 1, held: 1 },
          poll: { clients: 1, held: 0 },
        });
        expect(r).toMatchObject({ clients: 1, untracked: 0, historySize: 123, recentMs: 15_000 });
      });

      ws.socket.close();
      es.close();
      await h.publish("room", "wake the long poll");
      expect((await held).status).toBe(200);
      await eventually(async () => {
        const r = await roster(h.url);
        // Nothing held any more; the id stays listed for recentMs after its last request.
        expect(r.transports.ws.held + r.transports.sse.held + r.transports.longPoll.held).toBe(0);
        expect(r.list[0]?.held).toBe(0);
      });
    });
  });

  it("does not count a refused WebSocket upgrade as held", async () => {
    await withServer({}, async (h) => {
      const refused = await refusedWs(h.wsUrl("room", { client: "page-refused1", cursor: "nonsense" }));
      expect(refused.status).toBe(400);
      expect((await roster(h.url)).transports.ws).toEqual({ clients: 0, held: 0 });
    });
  });
});
