import { describe, expect, it } from "vitest";
import { createMemoryChannelLog } from "./channel-log.ts";
import { pollBody, readPollAnswer } from "./poll-body.ts";

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

  it("says more: true only when the size cap cut the answer short of the head", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 10, epoch: "E", now: () => 5 });
    for (let i = 0; i < 4; i++) await log.append('"xxxxxxxx"'); // 50-byte envelopes
    const start = { afterSeq: 0, cursor: "E:0" };
    const cut = await readPollAnswer(log, start, 10, 120);
    expect(cut.messages).toBe(2);
    expect(JSON.parse(cut.body.toString())).toMatchObject({ cursor: "E:2", more: true });
    const all = await readPollAnswer(log, start, 10, 1000);
    expect(all.messages).toBe(4);
    expect(JSON.parse(all.body.toString())).not.toHaveProperty("more");
    // One message over the cap is still sent: the answer always makes progress.
    const one = await readPollAnswer(log, { afterSeq: 2, cursor: "E:2" }, 10, 1);
    expect(JSON.parse(one.body.toString())).toMatchObject({ cursor: "E:3", more: true });
    expect((await readPollAnswer(log, { afterSeq: 3, cursor: "E:3" }, 10, 1)).body).toBe(
      (await log.readAfter(3, 1))[0]?.pollBody,
    );
  });
});
