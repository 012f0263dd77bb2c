import { describe, expect, it } from "vitest";
import { createClassRoster, isClassClientId } from "./class-roster.ts";

describe("class roster", () => {
  it("counts ids per transport while held, and for recentMs after their last request", () => {
    let now = 0;
    const roster = createClassRoster({ recentMs: 1000, now: () => now });
    const releaseWs = roster.seen("page-aaaa", "chat", "ws", true);
    roster.seen("page-aaaa", "chat", "poll", false);
    roster.seen("page-bbbb", "chat", "poll", false);
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
      roster.seen(id, "chat", "sse", true);
    const snap = roster.snapshot();
    expect([snap.clients, snap.untracked, snap.transports.sse.held]).toEqual([2, 2, 2]);
  });

  it("lists the newest ids first, at most maxListed, while counting them all", () => {
    let now = 0;
    const roster = createClassRoster({ maxListed: 2, now: () => now });
    for (const id of ["id-000001", "id-000002", "id-000003"]) {
      now += 10;
      roster.seen(id, "chat", "longPoll", false);
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
});
