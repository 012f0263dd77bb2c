import { describe, expect, it } from "vitest";
import { type ChannelLog, createMemoryChannelLog } from "./channel-log.ts";
import { openDelivery } from "./delivery.ts";
import type { Channel } from "./hub.ts";
import type { LogEntry } from "./log-entry.ts";
import { resolveCursor } from "./resolve-cursor.ts";

/** A memory log whose reads wait for `release()`, as a remote store would. */
function slowLog(historySize: number) {
  const log = createMemoryChannelLog({ channel: "c", historySize, epoch: "E" });
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const slow: ChannelLog = {
    ...log,
    async readAfter(afterSeq, limit) {
      await gate;
      return log.readAfter(afterSeq, limit);
    },
  };
  return { log: slow, release, channel: { log: slow } as unknown as Channel };
}

describe("openDelivery", () => {
  it("switches from backlog to live without losing or repeating what arrives during the read", async () => {
    const { log, release, channel } = slowLog(100);
    for (let i = 0; i < 3; i++) await log.append(String(i));
    const got: number[] = [];
    const expired: number[] = [];
    const opening = openDelivery(
      channel,
      resolveCursor(log.state(), { kind: "earliest" }),
      (e: LogEntry) => got.push(e.seq),
      (s) => expired.push(s),
    );
    for (let i = 0; i < 3; i++) await log.append(String(i)); // 4..6 arrive while the backlog is read
    expect(got).toEqual([]);
    release();
    const stop = await opening;
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
    await log.append("7");
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    stop();
    await log.append("8");
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(expired).toEqual([]);
  });

  it("reports `expired` when history moved past the start during the read, then delivers in order", async () => {
    const { log, release, channel } = slowLog(3);
    await log.append("1");
    const got: number[] = [];
    const expired: number[] = [];
    const opening = openDelivery(
      channel,
      resolveCursor(log.state(), { kind: "earliest" }),
      (e) => got.push(e.seq),
      (s) => expired.push(s),
    );
    for (let i = 0; i < 5; i++) await log.append(String(i)); // head 6, oldest 4
    release();
    await opening;
    expect(expired).toEqual([3]);
    expect(got).toEqual([4, 5, 6]);
  });

  it("from the head delivers only what comes next", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 10 });
    await log.append("1");
    const got: number[] = [];
    await openDelivery(
      { log } as unknown as Channel,
      resolveCursor(log.state(), { kind: "live" }),
      (e) => got.push(e.seq),
      () => {},
    );
    await log.append("2");
    expect(got).toEqual([2]);
  });
});
