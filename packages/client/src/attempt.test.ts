import { describe, expect, it } from "vitest";
import { Link, type LinkEvents } from "./link.ts";
import type { HttpResult } from "./platform.ts";
import type { ClientTransportName } from "./transport.ts";
import { TransportRecorder } from "./transport-recorder.ts";
import type { WireEvent } from "./wire-log.ts";
import { createWireTap } from "./wire-tap.ts";

/** A link with everything it emits and every wire event it builds recorded. */
function setup() {
  const recorder = new TransportRecorder("ws", () => 0);
  const wire: WireEvent<ClientTransportName>[] = [];
  const link = new Link(
    "ws",
    recorder,
    createWireTap(
      "ws",
      () => 0,
      () => true,
      (e) => wire.push(e),
    ),
  );
  const seen: string[] = [];
  for (const type of ["open", "reset", "message", "close"] as const) {
    link.events.on(type, (value: LinkEvents[typeof type]) => seen.push(`${type} ${JSON.stringify(value)}`));
  }
  return { link, recorder, wire, seen };
}

const answer = (status: number, body: string): HttpResult => ({
  status,
  body,
  requestBytes: 100,
  responseBytes: 200,
  sizeSource: "measured",
});

describe("Attempt", () => {
  it("decodes frames, opens once, passes messages and resets on, and hands back answers to the client's frames", () => {
    const { link, recorder, wire, seen } = setup();
    const attempt = link.begin();
    const hello = '{"type":"hello","channel":"c","epoch":"e","seq":2,"cursor":"e:0","time":1}';
    attempt.frame(hello, 80);
    attempt.frame(hello, 80);
    attempt.frame('{"type":"message","channel":"c","seq":1,"time":1,"data":"x"}', 60);
    attempt.frame('{"type":"reset","reason":"expired","cursor":"e:5"}', 50);
    const ack = attempt.frame('{"type":"ack","ref":7,"seq":9,"cursor":"e:9"}', 40);
    expect(ack).toEqual({ type: "ack", ref: 7, seq: 9, cursor: "e:9" });
    expect(attempt.opened).toBe(true);
    expect(seen).toEqual([
      'open {"cursor":"e:0"}',
      'message {"type":"message","channel":"c","seq":1,"time":1,"data":"x"}',
      'reset {"reason":"expired","cursor":"e:5"}',
    ]);
    expect(wire.map((e) => `${e.kind} ${e.size} ${e.summary}`)).toEqual([
      "frame 80 hello cursor=e:0",
      "frame 80 hello cursor=e:0",
      "frame 60 message #1",
      "frame 50 reset expired → e:5",
      "frame 40 ack ref=7",
    ]);
    expect(recorder.extras()).toMatchObject({ framesIn: 5, received: 1, connects: 1 });
  });

  it("counts what is not the protocol as an error, and skips a type it does not know", () => {
    const { link, recorder, seen } = setup();
    const attempt = link.begin();
    attempt.frame("{not json", 10);
    attempt.frame('{"type":"message","seq":"1"}', 10);
    attempt.frame('{"type":"error","code":"rate_limited","message":"slow"}', 10);
    attempt.frame('{"type":"presence","n":3}', 10);
    attempt.event("message", "{}", 10);
    attempt.event("stats", "{}", 10);
    expect(seen).toEqual([]);
    expect(recorder.snapshot().errors).toBe(4);
    expect(recorder.extras().framesIn).toBe(6);
  });

  it("ends once, and an ended or superseded attempt reaches the client no more", () => {
    const { link, recorder, seen, wire } = setup();
    const first = link.begin();
    const second = link.begin();
    expect(first.live).toBe(false);
    first.hello("e:0");
    first.end({ reason: "network", detail: "late", fatal: false });
    second.end({ reason: "http_error", detail: "HTTP 503", status: 503, fatal: false });
    second.end({ reason: "network", detail: "again", fatal: false });
    second.deliver({ channel: "c", seq: 1, time: 0, data: null });
    expect(seen).toEqual(['close {"reason":"http_error","detail":"HTTP 503","status":503,"fatal":false}']);
    expect(recorder.extras().drops).toBe(1);
    expect(recorder.snapshot().errors).toBe(1);
    // The wire view shows the end, and whether the connection had ever opened.
    expect(wire.map((e) => [e.kind, e.direction, e.size, e.summary])).toEqual([
      ["close", "in", 0, "never opened: http_error (HTTP 503)"],
    ]);
    const opened = link.begin();
    opened.hello("e:0");
    opened.end({ reason: "server_restart", detail: "close 1012", fatal: false });
    expect(wire.at(-1)?.summary).toBe("closed: server_restart (close 1012)");
    const before = seen.length;
    const third = link.begin();
    link.stop();
    third.end({ reason: "network", detail: "after stop", fatal: false });
    expect(seen).toHaveLength(before);
    expect(link.attempt).toBeUndefined();
  });

  it("takes a poll answer apart: reset, open at the start of its messages, the messages, more", () => {
    const { link, recorder, wire, seen } = setup();
    const attempt = link.begin();
    const request = { method: "GET", path: "/p", sentAt: 0 } as const;
    const body = JSON.stringify({
      cursor: "e:12",
      messages: [11, 12].map((seq) => ({ channel: "c", seq, time: 0, data: seq })),
      reset: { reason: "expired" },
      more: true,
    });
    expect(attempt.answer(request, answer(200, body))?.more).toBe(true);
    expect(seen.map((s) => s.slice(0, s.indexOf(" ")))).toEqual(["reset", "open", "message", "message"]);
    expect(seen[0]).toBe('reset {"reason":"expired","cursor":"e:10"}');
    expect(wire.map((e) => e.summary)).toEqual(["GET /p", "2 messages #11–#12, more waiting"]);
    expect(attempt.answer(request, answer(200, '{"cursor":"e:12","messages":[]}'))).toBeDefined();
    expect(recorder.snapshot()).toMatchObject({ responses: 2, emptyResponses: 1 });
  });

  it("ends on a refused or unreadable answer, with an error counted", () => {
    for (const [result, close] of [
      [answer(400, "{}"), '{"reason":"http_error","detail":"HTTP 400","status":400,"fatal":true}'],
      [
        answer(200, "<html>"),
        '{"reason":"network","detail":"unreadable poll answer: not JSON","fatal":false}',
      ],
    ] as const) {
      const { link, recorder, seen } = setup();
      expect(link.begin().answer({ method: "GET", path: "/p", sentAt: 0 }, result)).toBeUndefined();
      expect(seen).toEqual([`close ${close}`]);
      expect(recorder.snapshot().errors).toBe(1);
    }
  });
});
