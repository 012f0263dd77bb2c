import { describe, expect, it } from "vitest";
import { createMemoryChannelLog } from "./channel-log.ts";
import { pollBody } from "./poll-body.ts";

describe("pollBody", () => {
  it("is {cursor, messages} from cached envelope JSON, with reset when due", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 10, epoch: "E", now: () => 5 });
    const e1 = await log.append("1");
    const e2 = await log.append('"two"');
    expect(JSON.parse(pollBody({ afterSeq: 0, cursor: "E:0" }, [e1, e2]).toString())).toEqual({
      cursor: "E:2",
      messages: [
        { channel: "c", seq: 1, time: 5, data: 1 },
        { channel: "c", seq: 2, time: 5, data: "two" },
      ],
    });
    expect(pollBody({ afterSeq: 2, cursor: "E:2" }, []).toString()).toBe('{"cursor":"E:2","messages":[]}');
    expect(JSON.parse(pollBody({ afterSeq: 1, cursor: "E:1", reset: "epoch" }, [e2]).toString())).toEqual({
      cursor: "E:2",
      messages: [{ channel: "c", seq: 2, time: 5, data: "two" }],
      reset: { reason: "epoch" },
    });
    // The single-message wake-up reuses the entry's cached body.
    expect(pollBody({ afterSeq: 1, cursor: "E:1" }, [e2])).toBe(e2.pollBody);
  });
});
