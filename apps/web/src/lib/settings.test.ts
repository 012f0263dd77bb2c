import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, parseSettings, type Settings, serializeSettings } from "./settings.ts";

describe("parseSettings", () => {
  it("gives the defaults for an empty query", () => {
    expect(parseSettings("")).toEqual({ settings: DEFAULT_SETTINGS, problems: [] });
  });

  it("reads every setting", () => {
    const { settings, problems } = parseSettings(
      "?view=single&channel=demo-1&transport=longPoll&network=4g&wire=single&poll=250&timeout=5000&rate=1000&payload=512&paused=poll,sse&vs=socketio&large=1&step=3",
    );
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      view: "single",
      channel: "demo-1",
      transport: "longPoll",
      network: "4g",
      wire: "single",
      pollIntervalMs: 250,
      longPollTimeoutMs: 5000,
      rate: 1000,
      payloadBytes: 512,
      paused: ["sse", "poll"],
      socketio: true,
      socketioWebsocketOnly: false,
      large: true,
      step: 3,
    });
  });

  it("falls back per setting and names each bad value", () => {
    const { settings, problems } = parseSettings(
      "?view=graphs&channel=Bad_Name&transport=smoke&poll=fast&timeout=99999999&rate=-1&payload=1.5&large=yes&step=99",
    );
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(problems.map((p) => [p.param, p.value])).toEqual([
      ["view", "graphs"],
      ["transport", "smoke"],
      ["channel", "Bad_Name"],
      ["poll", "fast"],
      ["timeout", "99999999"],
      ["rate", "-1"],
      ["payload", "1.5"],
      ["step", "99"],
      ["large", "yes"],
    ]);
    expect(problems[0]?.message).toBe(
      'must be one of compare, single, wire, chat, learn, class, lesson, runs; using "compare"',
    );
    expect(problems[7]?.message).toBe("must be from 1 to 8; using 1");
    expect(problems[4]?.message).toBe("must be from 500 to 60000; using 25000");
    expect(problems[3]?.message).toBe("must be a whole number; using 1000");
  });

  it("reads Auto as the single view's transport, and refuses a network name no link can have", () => {
    const { settings, problems } = parseSettings("?transport=auto&network=Not_A_Link&wire=both");
    expect(settings.transport).toBe("auto");
    expect(settings.network).toBe("");
    expect(settings.wire).toBe("compare");
    expect(problems).toEqual([
      { param: "wire", value: "both", message: 'must be one of compare, single; using "compare"' },
      {
        param: "network",
        value: "Not_A_Link",
        message: "is not a network name (a–z, 0–9 and dashes); using none",
      },
    ]);
    expect(serializeSettings({ ...settings, network: "ws-blocked" })).toBe(
      "?transport=auto&network=ws-blocked",
    );
  });

  it("keeps the good transports of a partly bad paused list", () => {
    const { settings, problems } = parseSettings("?paused=ws,carrier-pigeon,ws");
    expect(settings.paused).toEqual(["ws"]);
    expect(problems).toEqual([
      {
        param: "paused",
        value: "carrier-pigeon",
        message: "is not a transport (ws, sse, longPoll, poll, socketio); ignored",
      },
    ]);
  });

  it("reports parameters it does not know", () => {
    expect(parseSettings("?token=secret").problems).toEqual([
      { param: "token", value: "secret", message: "is not a setting of this app; ignored" },
    ]);
  });

  it("knows vs=socketio (the Socket.IO lane on) and names another comparison", () => {
    expect(parseSettings("?vs=socketio")).toEqual({
      settings: { ...DEFAULT_SETTINGS, socketio: true },
      problems: [],
    });
    expect(parseSettings("?vs=signalr").problems).toEqual([
      { param: "vs", value: "signalr", message: "is not a comparison (socketio); ignored" },
    ]);
  });

  it("accepts the bounds themselves", () => {
    const { settings, problems } = parseSettings("?poll=100&timeout=60000&rate=5000&payload=65536");
    expect(problems).toEqual([]);
    expect(settings.rate).toBe(5000);
    expect(settings.payloadBytes).toBe(65536);
  });
});

describe("serializeSettings", () => {
  it("is empty for the defaults", () => {
    expect(serializeSettings(DEFAULT_SETTINGS)).toBe("");
  });

  it("writes only what differs, readably", () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, view: "wire", paused: ["poll", "ws"], large: true };
    expect(serializeSettings(settings)).toBe("?view=wire&paused=ws,poll&large=1");
  });

  it("round-trips through parseSettings", () => {
    const settings: Settings = {
      view: "chat",
      channel: "room-7",
      transport: "sse",
      network: "3g",
      wire: "single",
      pollIntervalMs: 2000,
      longPollTimeoutMs: 10_000,
      rate: 0,
      payloadBytes: 0,
      paused: ["longPoll", "socketio"],
      socketio: true,
      socketioWebsocketOnly: true,
      large: false,
      step: 4,
    };
    expect(parseSettings(serializeSettings(settings))).toEqual({ settings, problems: [] });
  });
});
