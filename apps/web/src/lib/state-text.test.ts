import { describe, expect, it } from "vitest";
import { describeLaneState, describeReset } from "./state-text.ts";

describe("describeReset", () => {
  it("says where delivery continued after a server reset", () => {
    expect(describeReset("epoch", "e2:0")).toEqual({
      why: "new epoch: the server restarted",
      after: "continued after e2:0",
    });
    expect(describeReset("expired", "e:40").after).toBe("continued after e:40");
  });

  it("names the refused cursor and says the client started again from the oldest kept message", () => {
    expect(describeReset("bad_cursor", "old:7")).toEqual({
      why: "the server refused the cursor",
      after: "refused old:7; started again from the oldest kept message",
    });
  });
});

describe("describeLaneState", () => {
  it("says paused before anything else", () => {
    expect(describeLaneState(null, true).label).toBe("Paused");
  });

  it("shows why a client could not start", () => {
    expect(describeLaneState(null, false, "boom")).toEqual({
      tone: "bad",
      label: "Could not start",
      detail: "boom",
    });
  });

  it("describes an open connection with its cursor", () => {
    expect(
      describeLaneState({ kind: "open", transport: "ws", reason: "reconnected", cursor: "e:12" }, false),
    ).toEqual({ tone: "good", label: "Open (reconnected)", detail: "from e:12" });
  });

  it("explains a reconnect in plain words with the backoff delay", () => {
    const text = describeLaneState(
      {
        kind: "reconnecting",
        transport: "sse",
        reason: "server_restart",
        detail: "1012",
        attempt: 2,
        delayMs: 312.4,
      },
      false,
    );
    expect(text.tone).toBe("bad");
    expect(text.label).toBe("Reconnecting (attempt 2)");
    expect(text.detail).toBe("the server cut it (disconnect button) (1012); next try in 312 ms");
  });

  it("tells a fatal stop from a requested close", () => {
    expect(
      describeLaneState({ kind: "closed", reason: "fatal", detail: "http_error: 400" }, false).tone,
    ).toBe("bad");
    expect(
      describeLaneState({ kind: "closed", reason: "client", detail: "close() called" }, false).tone,
    ).toBe("idle");
  });
});
