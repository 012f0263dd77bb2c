import type { ServerTransportCounters } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { type ChannelLog, createMemoryChannelLog } from "./channel-log.ts";
import { Delivery, type Sink } from "./delivery.ts";
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
  return { log: slow, release };
}

/** Records what a delivery writes; each entry "buffers" its data length until `drain()`. */
class RecordingSink implements Sink {
  got: number[] = [];
  resets: [string, string][] = [];
  cut = false;
  bufferedBytes = 0;
  written = 0;
  get writable() {
    return !this.cut;
  }
  write(entry: LogEntry): number {
    this.got.push(entry.seq);
    this.bufferedBytes += entry.size;
    this.written += entry.size;
    return entry.size;
  }
  tooSlow() {
    this.cut = true;
  }
  reset(reason: string, cursor: string) {
    this.resets.push([reason, cursor]);
  }
}

const counters = (): ServerTransportCounters => ({
  connections: 0,
  requests: 0,
  messagesOut: 0,
  bytesOut: 0,
  errors: 0,
});

function deliver(log: ChannelLog, cursor: Parameters<typeof resolveCursor>[1], maxBuffered = 1e9) {
  const sink = new RecordingSink();
  const stats = counters();
  const delivery = new Delivery(log, sink, stats, maxBuffered);
  const from = resolveCursor(log.state(), cursor);
  return { sink, stats, delivery, start: () => delivery.start(from) };
}

describe("Delivery", () => {
  it("switches from backlog to live without losing or repeating what arrives during the read", async () => {
    const { log, release } = slowLog(100);
    for (let i = 0; i < 3; i++) await log.append(String(i));
    const { sink, stats, delivery, start } = deliver(log, { kind: "earliest" });
    const opening = start();
    for (let i = 0; i < 3; i++) await log.append(String(i)); // 4..6 arrive while the backlog is read
    expect(sink.got).toEqual([]);
    release();
    await opening;
    expect(sink.got).toEqual([1, 2, 3, 4, 5, 6]);
    await log.append("7");
    expect(sink.got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    delivery.stop();
    await log.append("8");
    expect(sink.got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sink.resets).toEqual([]);
    expect(stats).toMatchObject({ messagesOut: 7, bytesOut: sink.written, errors: 0 });
  });

  it("reports `expired` when history moved past the start during the read, then delivers in order", async () => {
    const { log, release } = slowLog(3);
    await log.append("1");
    const { sink, start } = deliver(log, { kind: "earliest" });
    const opening = start();
    for (let i = 0; i < 5; i++) await log.append(String(i)); // head 6, oldest 4
    release();
    await opening;
    expect(sink.resets).toEqual([["expired", "E:3"]]);
    expect(sink.got).toEqual([4, 5, 6]);
  });

  it("writes the start point's reset first, then the retained messages", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 10, epoch: "E" });
    await log.append("1");
    const { sink, start } = deliver(log, { kind: "at", epoch: "OLD", seq: 7 });
    await start();
    expect(sink.resets).toEqual([["epoch", "E:0"]]);
    expect(sink.got).toEqual([1]);
  });

  it("from the head delivers only what comes next", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 10 });
    await log.append("1");
    const { sink, start } = deliver(log, { kind: "live" });
    await start();
    await log.append("2");
    expect(sink.got).toEqual([2]);
  });

  it("stopped while the backlog is read, it writes nothing and stays unsubscribed", async () => {
    const { log, release } = slowLog(10);
    await log.append("1");
    const { sink, delivery, start } = deliver(log, { kind: "earliest" });
    const opening = start();
    await log.append("2");
    delivery.stop();
    release();
    await opening;
    await log.append("3");
    expect(sink.got).toEqual([]);
  });

  it("allows the replayed backlog above the buffer limit, then cuts a reader that falls further behind", async () => {
    const log = createMemoryChannelLog({ channel: "c", historySize: 10, now: () => 1 });
    for (let i = 0; i < 5; i++) await log.append('"0123456789"');
    const size = (await log.readAfter(0, 1))[0]?.size ?? 0; // each entry, seq < 10
    const { sink, stats, start } = deliver(log, { kind: "earliest" }, 1.5 * size);
    await start();
    expect(sink.got).toEqual([1, 2, 3, 4, 5]); // 5 entries buffered, over 3 × the limit: not cut
    await log.append('"0123456789"');
    expect(sink.cut).toBe(false); // still within limit + replayed backlog
    await log.append('"0123456789"');
    await log.append('"0123456789"');
    expect(sink.cut).toBe(true); // 7 entries buffered > 1.5 + 5
    expect(sink.got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(stats.errors).toBe(1);
  });
});
