import { CLOSE_CODES } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { dropReasonForClose } from "./ws.ts";

describe("dropReasonForClose", () => {
  it("maps the server's close codes to why the connection ended", () => {
    expect(dropReasonForClose(CLOSE_CODES.serviceRestart)).toBe("server_restart");
    expect(dropReasonForClose(CLOSE_CODES.goingAway)).toBe("going_away");
    expect(dropReasonForClose(CLOSE_CODES.tryAgainLater)).toBe("too_slow");
    expect(dropReasonForClose(1006)).toBe("network");
    expect(dropReasonForClose(1000)).toBe("server_closed");
    expect(dropReasonForClose(CLOSE_CODES.messageTooBig)).toBe("server_closed");
  });
});
