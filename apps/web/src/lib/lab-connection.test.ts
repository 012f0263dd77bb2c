import { describe, expect, it, vi } from "vitest";
import { fakeApi, setup } from "./lab-connection.fixtures.ts";
import { chatData } from "./message-kind.ts";

describe("createLabConnection", () => {
  it("starts one client per transport from the channel head, sharing one clock offset", async () => {
    const { connection, clients, running } = setup();
    await running();
    expect(clients.map((c) => c.options.transport)).toEqual(["ws", "sse", "longPoll", "poll"]);
    expect(clients.every((c) => c.options.cursor === "e:10")).toBe(true);
    const clock = clients[0]?.options.clock;
    expect(typeof clock).toBe("object");
    expect(clients.every((c) => c.options.clock === clock)).toBe(true);
    expect(connection.getView().startCursor).toBe("e:10");
    await connection.close();
    expect(clients.every((c) => c.closed)).toBe(true);
  });

  it("keeps only chat lines from before the page joined as history", async () => {
    const { connection, running, settle } = setup();
    await running();
    await settle();
    expect(connection.getView().history.map((m) => m.seq)).toEqual([9]);
    await connection.close();
  });

  it("asks for the history from the head's epoch, at most LIMITS.history messages back", async () => {
    const api = fakeApi("ep_1-x:40");
    const peek = vi.spyOn(api, "peek");
    const { connection, clients, running } = setup({}, undefined, api);
    await running();
    expect(peek.mock.calls.map((call) => call[1])).toEqual([undefined, "ep_1-x:10"]);
    expect(clients.every((c) => c.options.cursor === "ep_1-x:40")).toBe(true);
    await connection.close();
  });

  it("keeps only well-formed chat lines in a lane's chat list", async () => {
    const { connection, running, settle, live } = setup();
    await running();
    live("ws")[0]?.deliver(11, chatData("Ada", "hello"));
    live("ws")[0]?.deliver(12, { chat: "not a chat" });
    live("ws")[0]?.deliver(13);
    await settle();
    const ws = connection.getView().lanes.find((l) => l.transport === "ws");
    expect(ws?.chat.map((m) => m.seq)).toEqual([11]);
    expect(ws?.recent.map((m) => m.seq)).toEqual([13, 12, 11]);
    await connection.close();
  });

  it("counts across a pause: the resumed client starts from the cursor and the figures add up", async () => {
    const { connection, clients, running, settle, live } = setup();
    await running();
    live("sse")[0]?.deliver(11);
    live("sse")[0]?.deliver(12);
    connection.setPaused("sse", true);
    await settle();
    expect(live("sse")).toEqual([]);
    const paused = connection.getView().lanes.find((l) => l.transport === "sse");
    expect(paused?.paused).toBe(true);
    expect(paused?.figures?.metrics.messages).toBe(2);
    connection.setPaused("sse", false);
    const resumed = live("sse")[0];
    expect(resumed?.options.cursor).toBe("e:12");
    resumed?.deliver(13);
    await settle();
    const lane = connection.getView().lanes.find((l) => l.transport === "sse");
    expect(lane?.figures?.metrics.messages).toBe(3);
    expect(lane?.figures?.metrics.httpRequests).toBe(3);
    expect(lane?.continuity).toMatchObject({ delivered: 3, skips: 0, repeats: 0, lastSeq: 13 });
    expect(clients.length).toBe(5);
    await connection.close();
  });

  it("adds up every client of a lane paused and resumed three times, histograms included", async () => {
    const { connection, clients, running, settle, live } = setup();
    await running();
    let seq = 10;
    for (let round = 0; round < 3; round++) {
      live("sse")[0]?.deliver(++seq);
      live("sse")[0]?.deliver(++seq);
      connection.setPaused("sse", true);
      connection.setPaused("sse", false);
    }
    live("sse")[0]?.deliver(++seq);
    await settle();
    expect(clients.filter((c) => c.transport === "sse").length).toBe(4);
    const exported = connection.exportFigures().find((f) => f.transport === "sse");
    expect(exported?.metrics.messages).toBe(7);
    expect(exported?.metrics.httpRequests).toBe(7);
    expect(exported?.metrics.histogram?.count).toBe(7);
    expect(exported?.metrics.latency.count).toBe(7);
    expect(connection.getView().lanes.find((l) => l.transport === "sse")?.figures?.metrics.messages).toBe(7);
    connection.setPaused("sse", true);
    await settle();
    const paused = connection.exportFigures().find((f) => f.transport === "sse");
    expect(paused?.metrics.messages).toBe(7);
    expect(paused?.metrics.histogram?.count).toBe(7);
    await connection.close();
  });

  it("reset zeroes the figures and the chart but resumes from the same cursor", async () => {
    const { connection, running, settle, live } = setup();
    await running();
    live("ws")[0]?.deliver(11);
    connection.resetMetrics();
    await settle();
    const ws = live("ws")[0];
    expect(ws?.options.cursor).toBe("e:11");
    const view = connection.getView();
    expect(view.lanes[0]?.figures?.metrics.messages).toBe(0);
    expect(view.chart[0]).toEqual([]);
    ws?.deliver(12);
    await settle();
    expect(connection.getView().lanes[0]?.continuity).toMatchObject({ delivered: 1, skips: 0 });
    await connection.close();
  });
});
