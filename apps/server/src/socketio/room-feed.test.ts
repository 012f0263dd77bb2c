import { Server } from "socket.io";
import { describe, expect, it } from "vitest";
import type { Channel } from "../channel.ts";
import type { LogSubscriber } from "../channel-log.ts";
import { LogEntry } from "../log-entry.ts";
import { createServerCounters } from "../server-metrics.ts";
import { RoomFeed, type RoomMember } from "./room-feed.ts";

// When a waiting member enters the room, whichever way round its own delivery and the feed stand
// in the log's subscriber order. A shared log hands each entry to its subscribers in the order they
// subscribed, and only a shared (Redis) log makes a member wait, so this is the one place the
// order is checked without Redis; the cluster tests check delivery through it end to end.

/** A log that hands entries to its subscribers in subscription order, as both logs do. */
class OrderedLog {
  readonly subscribers = new Set<LogSubscriber>();
  constructor(public deliveredSeq: number) {}
  subscribe(s: LogSubscriber) {
    this.subscribers.add(s);
  }
  unsubscribe(s: LogSubscriber) {
    this.subscribers.delete(s);
  }
  delivered() {
    return this.deliveredSeq;
  }
  hand(seq: number) {
    const entry = new LogEntry("ch", "e", seq, 0, `{"i":${seq}}`);
    this.deliveredSeq = seq;
    for (const s of this.subscribers) s.receive(entry);
  }
}

/** A member whose "delivery" is a log subscriber sending everything after what it has. */
function member(log: OrderedLog, sentSeq: number) {
  const state = { sentSeq, enteredAfter: -1, fromDelivery: [] as number[] };
  const delivery: LogSubscriber = {
    receive(entry) {
      if (entry.seq <= state.sentSeq) return; // already had it
      state.fromDelivery.push(entry.seq);
      state.sentSeq = entry.seq;
    },
  };
  const m: RoomMember = {
    get sentSeq() {
      return state.sentSeq;
    },
    enter() {
      state.enteredAfter = state.sentSeq;
      log.unsubscribe(delivery);
    },
  };
  return { state, delivery, m };
}

/** Not attached to any HTTP server: the feed's rooms are empty and its emits go nowhere. */
const io = new Server();

function feedOn(log: OrderedLog) {
  const channel = { name: "ch", log } as unknown as Channel;
  return new RoomFeed(io, channel, createServerCounters());
}

describe("RoomFeed", () => {
  it("a member whose delivery subscribed before the feed (the first member) enters once the feed reaches it", () => {
    const log = new OrderedLog(3);
    const { state, delivery, m } = member(log, 5); // its backlog read reached 5; the log has handed 3
    log.subscribe(delivery); // the delivery subscribes at its start, before the member is added
    const feed = feedOn(log);
    feed.add(m);
    log.hand(4);
    expect(state.enteredAfter).toBe(-1); // waiting: ahead of the feed
    log.hand(5); // the delivery, first in order, skips 5; the feed lets it in after 5
    expect(state.enteredAfter).toBe(5);
    log.hand(6);
    log.hand(7);
    expect(state.fromDelivery).toEqual([]); // 6 on are the room's
  });

  it("a member whose delivery subscribed after the feed enters where the feed reaches it, before its delivery sends more", () => {
    const log = new OrderedLog(3);
    const feed = feedOn(log);
    const first = member(log, 3);
    log.subscribe(first.delivery);
    feed.add(first.m); // aligned: in at once, and the feed is now subscribed
    expect(first.state.enteredAfter).toBe(3);
    const late = member(log, 5);
    log.subscribe(late.delivery);
    feed.add(late.m);
    log.hand(4);
    expect(late.state.enteredAfter).toBe(-1);
    log.hand(5);
    expect(late.state.enteredAfter).toBe(5);
    log.hand(6);
    expect(late.state.fromDelivery).toEqual([]);
  });

  it("a waiting member that leaves is forgotten, and the last one out unsubscribes the feed", () => {
    const log = new OrderedLog(3);
    const { delivery, m } = member(log, 5);
    log.subscribe(delivery);
    const feed = feedOn(log);
    feed.add(m);
    expect(feed.remove(m)).toBe(true);
    expect([...log.subscribers]).toEqual([delivery]);
  });
});
