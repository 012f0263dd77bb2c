// How delivery-all-transports.test.ts reads each transport: until N messages, keeping the wire form.
import type { Envelope, PollResponse } from "@transport-lab/protocol";
import { expect } from "vitest";
import { type Harness, request } from "./helpers.ts";

/** Non-message frames/events (hello, reset) in arrival order, then the envelopes. */
export interface Stream {
  control: Record<string, unknown>[];
  envelopes: Envelope[];
  /** Each envelope's JSON exactly as it was on the wire. */
  raw: string[];
}

/** Reads a WebSocket from `query` until `count` messages arrived. */
export async function viaWs(h: Harness, channel: string, query: Record<string, string>, count: number) {
  const ws = await h.ws(channel, query);
  const out: Stream = { control: [], envelopes: [], raw: [] };
  while (out.envelopes.length < count) {
    const text = await ws.nextRaw();
    const frame = JSON.parse(text);
    if (frame.type !== "message") {
      out.control.push(frame);
      continue;
    }
    expect(text.startsWith('{"type":"message",')).toBe(true);
    out.raw.push(`{${text.slice('{"type":"message",'.length)}`);
    const { type: _type, ...envelope } = frame;
    out.envelopes.push(envelope);
  }
  return { ws, out };
}

/** Reads SSE with curl -N until `count` messages arrived. */
export async function viaCurl(
  h: Harness,
  channel: string,
  query: Record<string, string>,
  count: number,
  headers: Record<string, string> = {},
) {
  const curl = h.curl(channel, query, { headers });
  const out: Stream = { control: [], envelopes: [], raw: [] };
  while (out.envelopes.length < count) {
    const e = await curl.events.next(3000, "an SSE event from curl");
    if (e.event === "comment") continue;
    if (e.event !== "message") {
      out.control.push({ event: e.event, id: e.id, ...JSON.parse(e.data) });
      continue;
    }
    out.raw.push(e.data);
    out.envelopes.push(JSON.parse(e.data));
  }
  return { curl, out };
}

/** Reads SSE with the `eventsource` package until `count` messages arrived. */
export async function viaEventSource(
  h: Harness,
  channel: string,
  query: Record<string, string>,
  count: number,
  lastEventId?: string,
) {
  const es = await h.eventSource(channel, query, lastEventId);
  const out: Stream = { control: [], envelopes: [], raw: [] };
  while (out.envelopes.length < count) {
    const e = await es.events.next(3000, "an EventSource event");
    if (e.type !== "message") {
      out.control.push({ event: e.type, id: e.lastEventId, ...JSON.parse(e.data) });
      continue;
    }
    out.raw.push(e.data);
    out.envelopes.push(JSON.parse(e.data));
  }
  return { es, out };
}

/** Polls (`poll` or `long-poll`) from `cursor` until `count` messages arrived; returns every answer. */
export async function viaPolling(
  h: Harness,
  endpoint: "poll" | "long-poll",
  channel: string,
  query: Record<string, string>,
  count: number,
) {
  const answers: PollResponse[] = [];
  const texts: string[] = [];
  let q = query;
  let got = 0;
  const deadline = performance.now() + 5000;
  while (got < count) {
    if (performance.now() > deadline) throw new Error(`${endpoint}: only ${got}/${count} messages`);
    const extra: Record<string, string> = endpoint === "long-poll" ? { timeout: "2000" } : {};
    const res = await request<PollResponse>(h.channelUrl(channel, endpoint, { ...q, ...extra }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    answers.push(res.body);
    texts.push(res.text);
    got += res.body.messages.length;
    q = { cursor: res.body.cursor };
    if (endpoint === "poll" && res.body.messages.length === 0) await new Promise((r) => setTimeout(r, 10));
  }
  return { answers, texts, envelopes: answers.flatMap((a) => a.messages) };
}

export const seqs = (envelopes: Envelope[]) => envelopes.map((e) => e.seq);

/** Data that exercises JSON escaping: newlines, quotes, unicode, U+2028, numbers, null. */
export const tricky = (i: number) => ({
  i,
  text: `line one\nline "two"\r\n\tend ✓ é 日本 \u2028 ${"🙂".repeat(i % 3)}`,
  nested: [1, null, true, { deep: -0.5e-7 }],
  lone: "\ud800 surrogate", // JSON.stringify escapes it; no transport may mangle it
  big: 12345678901234,
});
