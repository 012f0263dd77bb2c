import type { TransportDecision } from "@transport-lab/client";
import { describe, expect, it } from "vitest";
import { decisionWords } from "./decision-words.ts";

const d: TransportDecision = {
  at: 0,
  tried: "ws",
  why: "first",
  outcome: "failed",
  reason: "network: WebSocket error",
  tookMs: 12,
  check: { reachable: true, tookMs: 3 },
  action: "fall_back",
  next: "sse",
};

describe("decisionWords", () => {
  it("says what failed, what the check showed and where the client goes", () => {
    expect(decisionWords(d)).toEqual({
      why: "first in the order",
      outcome: "failed after 12.0 ms (network: WebSocket error)",
      check: "The server answered plain HTTP (GET /api/time) in 3.00 ms: WebSocket is what fails on the way.",
      next: "Falls back to Server-Sent Events.",
    });
  });

  it("tells a server that is away from a blocked transport, and names timeouts and upgrades", () => {
    const away = decisionWords({ ...d, check: { reachable: false, tookMs: 1 }, action: "retry", next: "ws" });
    expect(away.check).toBe(
      "The server did not answer plain HTTP either: it is away, not WebSocket blocked.",
    );
    expect(away.next).toBe("Tries WebSocket again.");
    const timeout = decisionWords({ ...d, tried: "sse", outcome: "timeout", tookMs: 3000, next: "longPoll" });
    expect([timeout.outcome, timeout.next]).toEqual([
      "no hello within 3.00 s",
      "Falls back to Long polling.",
    ]);
    const up = decisionWords({
      ...d,
      why: "upgrade",
      outcome: "opened",
      check: null,
      action: "move_up",
      next: "ws",
    });
    expect([up.why, up.outcome, up.check, up.next]).toEqual([
      "background check of a better transport",
      "opened in 12.0 ms",
      "",
      "Moves up to WebSocket, resuming from the cursor.",
    ]);
  });
});
