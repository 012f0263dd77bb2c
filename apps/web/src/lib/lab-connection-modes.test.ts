import { describe, expect, it, vi } from "vitest";
import { FakeClient, fakeApi, live, setup } from "./lab-connection.fixtures.ts";

describe("createLabConnection: switches, Auto, failures and controls", () => {
  it("records a single-mode switch and the first seq after it", async () => {
    const { connection, clients, running, settle } = setup({ mode: "single", transport: "ws" });
    await running();
    const client = clients[0] as FakeClient;
    client.deliver(11);
    connection.switchTransport("poll");
    client.deliver(12);
    await settle();
    const view = connection.getView();
    expect(view.switches).toEqual([
      {
        from: "ws",
        to: "poll",
        at: expect.any(Number),
        cursor: "e:11",
        lastSeqBefore: 11,
        firstSeqAfter: 12,
        superseded: false,
      },
    ]);
    expect(view.perTransport.map((f) => [f.transport, f.metrics.messages])).toEqual([
      ["ws", 1],
      ["poll", 1],
    ]);
    expect(view.lanes[0]?.transport).toBe("poll");
    await connection.close();
  });

  it("runs Auto in the single view: its moves are checked like switches, its decisions shown", async () => {
    const { connection, clients, running, settle } = setup({
      mode: "single",
      transport: "auto",
      network: "ws-blocked",
    });
    await running();
    const auto = clients[0] as FakeClient;
    expect(auto.options.transport).toBe("auto");
    // Every client goes through the network; the page's own requests (the fake API) do not.
    expect(auto.options.baseUrl).toBe("http://lab/link/ws-blocked");
    auto.deliver(11);
    auto.move("sse", "fallback");
    auto.emit("decision", {
      at: 1,
      tried: "ws",
      why: "first",
      outcome: "failed",
      reason: "network: WebSocket error",
      tookMs: 5,
      check: { reachable: true, tookMs: 1 },
      action: "fall_back",
      next: "sse",
    });
    auto.deliver(12);
    await settle();
    let view = connection.getView();
    expect(view.network).toBe("ws-blocked");
    expect(view.lanes[0]).toMatchObject({ transport: "sse", auto: true });
    expect(view.lanes[0]?.decisions.map((d) => d.action)).toEqual(["fall_back"]);
    expect(view.switches.map((s) => [s.from, s.to, s.lastSeqBefore, s.firstSeqAfter])).toEqual([
      ["ws", "sse", 11, 12],
    ]);
    // A new poll interval replaces the client: Auto stays Auto.
    connection.setTiming(500, 25000);
    expect(clients[1]?.options.transport).toBe("auto");
    expect(clients[1]?.options.cursor).toBe("e:12");
    // Picking a transport ends Auto on the same client; picking Auto again starts a new one.
    connection.switchTransport("ws");
    expect(clients[1]?.auto).toBe(false);
    connection.switchTransport("auto");
    expect(clients.map((c) => [c.options.transport, c.closed])).toEqual([
      ["auto", true],
      ["auto", true],
      ["auto", false],
    ]);
    await settle();
    view = connection.getView();
    expect(view.lanes[0]?.decisions).toHaveLength(1);
    await connection.close();
  });

  it("keeps the other transports running when one cannot start", async () => {
    const { connection, running, settle, live } = setup({}, (options) => {
      if (options.transport === "sse") throw new Error("no EventSource here");
      return new FakeClient(options);
    });
    await running();
    await settle();
    const lanes = connection.getView().lanes;
    expect(lanes.find((l) => l.transport === "sse")?.error).toBe("no EventSource here");
    expect(live("ws").length).toBe(1);
    await expect(connection.publish(null, "sse")).rejects.toThrow(
      "sse is not connected (no EventSource here)",
    );
    await connection.close();
  });

  it("publishes over the chosen lane, and refuses a paused one", async () => {
    const { connection, running, live } = setup({ paused: ["poll"] });
    await running();
    expect(await connection.publish("hello", "longPoll")).toEqual({ seq: 99 });
    expect(live("longPoll")[0]?.published).toEqual(["hello"]);
    await expect(connection.publish("x", "poll")).rejects.toThrow("poll is paused");
    await connection.close();
  });

  it("starts no extra client when a control is used while the server is unreachable", async () => {
    const api = fakeApi();
    const time = api.time;
    let failures = 1;
    api.time = () => (failures-- > 0 ? Promise.reject(new Error("connection refused")) : time());
    const { connection, clients, settle, live } = setup({ paused: ["poll"] }, undefined, api);
    await vi.waitFor(() => expect(connection.getView().phase.kind).toBe("unreachable"));
    connection.resetMetrics();
    connection.setPaused("sse", true);
    connection.setPaused("sse", false);
    connection.setPaused("poll", false);
    connection.retry("ws");
    expect(clients).toEqual([]);
    await vi.waitFor(() => expect(connection.getView().phase.kind).toBe("running"), { timeout: 3000 });
    await settle();
    for (const t of ["ws", "sse", "longPoll", "poll"] as const) expect(live(t).length).toBe(1);
    expect(clients.length).toBe(4);
    expect(clients.every((c) => c.options.cursor === "e:10")).toBe(true);
    await connection.close();
    expect(clients.every((c) => c.closed)).toBe(true);
  });

  it("replaces only the affected client when the poll interval changes", async () => {
    const { connection, clients, running } = setup();
    await running();
    connection.setTiming(250, 25000);
    expect(clients.filter((c) => c.closed).map((c) => c.transport)).toEqual(["poll"]);
    expect(live(clients, "poll")?.options.pollIntervalMs).toBe(250);
    await connection.close();
  });
});
