import type { ClassRoster } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { createClassRoster, isClassClientId } from "../src/class-roster.ts";
import { refusedWs } from "./clients.ts";
import { eventually, from, request, withServer } from "./helpers.ts";

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

  it("a flood of made-up ids from a few addresses is bounded per address; others are still listed", async () => {
    await withServer({ maxConnectionsPerAddress: 20 }, async (h) => {
      const flood = async (address: string) => {
        for (let i = 0; i < 100; i++) {
          const res = await from(address)(
            h.channelUrl("room", "poll", { client: `flood-${address.replaceAll(".", "_")}-${i}` }),
          );
          expect(res.status).toBe(200); // the request itself is served as without an id
        }
      };
      await Promise.all([flood("127.0.0.2"), flood("127.0.0.3")]);
      await h.poll("room", { client: "page-teacher" });
      const r = await roster(h.url);
      expect(r.list.map((e) => e.id)).toContain("page-teacher");
      expect([r.clients, r.untracked, r.transports.poll.clients]).toEqual([41, 160, 41]);
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

describe("class roster", () => {
  it("counts ids per transport while held, and for recentMs after their last request", () => {
    let now = 0;
    const roster = createClassRoster({ recentMs: 1000, now: () => now });
    const releaseWs = roster.seen("page-aaaa", "127.0.0.1", "chat", "ws", true);
    roster.seen("page-aaaa", "127.0.0.1", "chat", "poll", false);
    roster.seen("page-bbbb", "127.0.0.1", "chat", "poll", false);
    let snap = roster.snapshot();
    expect(snap.clients).toBe(2);
    expect(snap.transports).toEqual({
      ws: { clients: 1, held: 1 },
      sse: { clients: 0, held: 0 },
      longPoll: { clients: 0, held: 0 },
      poll: { clients: 2, held: 0 },
    });
    now = 1500;
    // The pollers went quiet for longer than recentMs; the socket is still held.
    snap = roster.snapshot();
    expect(snap.list).toEqual([
      { id: "page-aaaa", channel: "chat", transports: ["ws"], held: 1, idleMs: 1500 },
    ]);
    releaseWs();
    releaseWs();
    expect(roster.snapshot().transports.ws).toEqual({ clients: 1, held: 0 });
    now = 2600;
    expect(roster.snapshot()).toMatchObject({ clients: 0, list: [], untracked: 0 });
  });

  it("keeps at most maxClients ids and counts the requests it had no room for", () => {
    const roster = createClassRoster({ maxClients: 2, now: () => 0 });
    for (const id of ["id-000001", "id-000002", "id-000003", "id-000003"])
      roster.seen(id, "127.0.0.1", "chat", "sse", true);
    const snap = roster.snapshot();
    expect([snap.clients, snap.untracked, snap.transports.sse.held]).toEqual([2, 2, 2]);
  });

  it("lists the newest ids first, at most maxListed, while counting them all", () => {
    let now = 0;
    const roster = createClassRoster({ maxListed: 2, now: () => now });
    for (const id of ["id-000001", "id-000002", "id-000003"]) {
      now += 10;
      roster.seen(id, "127.0.0.1", "chat", "longPoll", false);
    }
    const snap = roster.snapshot();
    expect(snap.list.map((e) => e.id)).toEqual(["id-000003", "id-000002"]);
    expect(snap.transports.longPoll.clients).toBe(3);
  });

  it("accepts only ids of 8 to 32 URL-safe characters", () => {
    expect(["abcdefgh", "A-b_3".padEnd(32, "x")].every(isClassClientId)).toBe(true);
    expect(
      ["short", "x".repeat(33), "has space!", "a/b/c/d/e", "", null, undefined].some(isClassClientId),
    ).toBe(false);
  });

  it("keeps at most maxPerAddress ids per address, so one address cannot fill it for the others", () => {
    let now = 0;
    const roster = createClassRoster({ maxClients: 5, maxPerAddress: 2, recentMs: 1000, now: () => now });
    for (const address of ["127.0.0.2", "127.0.0.3"]) {
      for (let i = 0; i < 50; i++) roster.seen(`flood-${address}-${i}`, address, "chat", "poll", false);
    }
    roster.seen("page-teacher", "127.0.0.1", "chat", "poll", false);
    let snap = roster.snapshot();
    expect(snap.list.map((e) => e.id)).toContain("page-teacher");
    expect([snap.clients, snap.untracked]).toEqual([5, 96]);
    // The total still holds: a sixth address finds the roster full.
    roster.seen("page-late001", "127.0.0.4", "chat", "poll", false);
    expect(roster.snapshot()).toMatchObject({ clients: 5, untracked: 97 });
    // Once the flood goes quiet its ids leave, and so does its addresses' count.
    now = 1500;
    roster.seen("flood-again1", "127.0.0.2", "chat", "poll", false);
    snap = roster.snapshot();
    expect(snap.list.map((e) => e.id)).toEqual(["flood-again1"]);
  });
});
