import { describe, expect, it } from "vitest";
import { channelPath, ROUTES, transportOfRoute, transportPath, WS_PATH_PATTERN } from "./routes.ts";
import { TRANSPORT_NAMES } from "./transports.ts";

describe("routes", () => {
  it("builds channel paths from the route table", () => {
    expect(channelPath("chat")).toBe("/api/channels/chat");
    expect(channelPath("chat", "messages")).toBe("/api/channels/chat/messages");
    expect(channelPath("room-2", "disconnect")).toBe("/api/channels/room-2/disconnect");
    expect(channelPath("c", "longPoll")).toBe("/api/channels/c/long-poll");
  });

  it("puts timeout before the URL-encoded cursor, and leaves absent parameters out", () => {
    expect(transportPath("poll", "chat")).toBe("/api/channels/chat/poll");
    expect(transportPath("sse", "chat", { cursor: "earliest" })).toBe(
      "/api/channels/chat/sse?cursor=earliest",
    );
    expect(transportPath("ws", "chat", { cursor: "e_1:42" })).toBe("/api/channels/chat/ws?cursor=e_1%3A42");
    expect(transportPath("longPoll", "chat", { timeout: 1, cursor: "e:4" })).toBe(
      "/api/channels/chat/long-poll?timeout=1&cursor=e%3A4",
    );
    expect(transportPath("longPoll", "chat", { timeout: 25000 })).toBe(
      "/api/channels/chat/long-poll?timeout=25000",
    );
  });

  it("the WebSocket path pattern captures the channel of the ws route only", () => {
    expect(WS_PATH_PATTERN.exec(channelPath("chat", "ws"))?.[1]).toBe("chat");
    expect(WS_PATH_PATTERN.exec("/api/channels/chat/sse")).toBeNull();
    expect(WS_PATH_PATTERN.exec("/api/channels/a/b/ws")).toBeNull();
  });

  it("maps each transport's route pattern back to the transport, and nothing else", () => {
    for (const name of TRANSPORT_NAMES) expect(transportOfRoute(ROUTES[name])).toBe(name);
    expect(transportOfRoute(ROUTES.messages)).toBeUndefined();
    expect(transportOfRoute("/api/channels/chat/sse")).toBeUndefined();
    expect(transportOfRoute("/*")).toBeUndefined();
  });
});
