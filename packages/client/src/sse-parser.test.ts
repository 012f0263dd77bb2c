import { describe, expect, it } from "vitest";
import { SseParser } from "./sse-parser.ts";

interface Seen {
  type: string;
  data: string;
  id: string;
  bytes: number;
}

function parse(chunks: (string | Uint8Array)[]): {
  events: Seen[];
  comments: [string, number][];
  parser: SseParser;
} {
  const events: Seen[] = [];
  const comments: [string, number][] = [];
  const parser = new SseParser(
    (type, data, id, bytes) => events.push({ type, data, id, bytes }),
    (text, bytes) => comments.push([text, bytes]),
  );
  const encoder = new TextEncoder();
  for (const chunk of chunks) parser.push(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
  parser.end();
  return { events, comments, parser };
}

/** Every way of cutting `text` into two chunks gives the same events. */
function everySplit(text: string): Seen[][] {
  const bytes = new TextEncoder().encode(text);
  const results: Seen[][] = [];
  for (let cut = 0; cut <= bytes.length; cut++) {
    results.push(parse([bytes.slice(0, cut), bytes.slice(cut)]).events);
  }
  return results;
}

describe("SseParser", () => {
  it("parses the server's message event with its id and exact wire size", () => {
    const text = 'id: ab:42\ndata: {"channel":"chat","seq":42,"time":1,"data":"hi"}\n\n';
    const { events } = parse([text]);
    expect(events).toEqual([
      {
        type: "message",
        data: '{"channel":"chat","seq":42,"time":1,"data":"hi"}',
        id: "ab:42",
        bytes: text.length,
      },
    ]);
  });

  it("reads named events, retry, and joins multi-line data with \\n", () => {
    const { events, parser } = parse([
      "retry: 1000\nid: e:0\nevent: hello\ndata: a\ndata: b\ndata:\ndata:c\n\n",
    ]);
    // 12 + 8 + 13 + 8 + 8 + 6 + 7 + 1 bytes of lines.
    expect(events).toEqual([{ type: "hello", data: "a\nb\n\nc", id: "e:0", bytes: 63 }]);
    expect(parser.retry).toBe(1000);
  });

  it("treats LF, CRLF and CR alike", () => {
    const lf = parse(["data: x\nid: 1\n\ndata: y\n\n"]).events;
    const crlf = parse(["data: x\r\nid: 1\r\n\r\ndata: y\r\n\r\n"]).events;
    const cr = parse(["data: x\rid: 1\r\rdata: y\r\r"]).events;
    expect(lf.map((e) => [e.data, e.id])).toEqual([
      ["x", "1"],
      ["y", "1"],
    ]);
    expect(crlf.map((e) => [e.data, e.id])).toEqual([
      ["x", "1"],
      ["y", "1"],
    ]);
    expect(cr.map((e) => [e.data, e.id])).toEqual([
      ["x", "1"],
      ["y", "1"],
    ]);
    expect(crlf.map((e) => e.bytes)).toEqual([9 + 7 + 2, 9 + 2]);
  });

  it("gives the same events however the stream is cut (CRLF and UTF-8 split across chunks)", () => {
    const text = "id: é:1\r\ndata: ünïcode ✓ 😀\r\n\r\n: ping\r\n\r\nevent: reset\r\ndata: {}\r\n\r\n";
    const expected = [
      // "id: é:1\r\n" is 10 bytes (é is 2), the data line 26 (ü ï 2, ✓ 3, 😀 4), the blank line 2.
      { type: "message", data: "ünïcode ✓ 😀", id: "é:1", bytes: 10 + 26 + 2 },
      { type: "reset", data: "{}", id: "é:1", bytes: 26 },
    ];
    for (const events of everySplit(text)) expect(events).toEqual(expected);
  });

  it("reports comments with their size and never dispatches them", () => {
    const { events, comments } = parse([": ping\n\n", ":no space\n", "data: 1\n\n"]);
    expect(comments).toEqual([
      ["ping", 7],
      ["no space", 10],
    ]);
    expect(events.map((e) => e.data)).toEqual(["1"]);
  });

  it("keeps the last event id across events, ignores an id with NUL, and skips a leading BOM", () => {
    const { events, parser } = parse(["\uFEFFid: 7\ndata: a\n\ndata: b\n\nid: bad\0id\ndata: c\n\n"]);
    expect(events.map((e) => [e.data, e.id])).toEqual([
      ["a", "7"],
      ["b", "7"],
      ["c", "7"],
    ]);
    expect(parser.lastEventId).toBe("7");
    expect(events[0]?.bytes).toBe(3 + 6 + 8 + 1);
  });

  it("ignores unknown fields, bad retry values, and a field without colon counts as empty value", () => {
    const { events, parser } = parse(["foo: bar\nretry: 1x\ndata\n\ndata\ndata\n\n"]);
    expect(events.map((e) => e.data)).toEqual(["", "\n"]);
    expect(parser.retry).toBeUndefined();
  });

  it("does not dispatch an event without data or one cut off at end of stream", () => {
    const { events, comments } = parse(["event: x\nid: 3\n\n", "data: partial\n"]);
    expect(events).toEqual([]);
    // A field-only block is not dispatched, but its 9 + 6 + 1 bytes were on the wire.
    expect(comments).toEqual([["", 16]]);
  });

  it("dispatches an event whose blank line is a CR at the very end of the stream", () => {
    expect(parse(["data: x\r", "\r"]).events).toEqual([{ type: "message", data: "x", id: "", bytes: 9 }]);
  });
});
