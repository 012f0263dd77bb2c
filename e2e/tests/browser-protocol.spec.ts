import type { Page } from "@playwright/test";
import { expect, test } from "../support/lab-page.ts";

// Chromium's own EventSource, WebSocket and fetch against the real server: the wire protocol
// must work for clients nobody on the team wrote, exactly as docs/protocol.md says.

const N = 30;

type Got = { ws: number[]; sse: number[]; longPoll: number[]; poll: number[] };

/** Publishes `count` messages `{i}` over HTTP from the test process. */
async function publish(baseURL: string, channel: string, count: number, from = 1) {
  for (let i = from; i < from + count; i++) {
    const res = await fetch(`${baseURL}/api/channels/${channel}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { i } }),
    });
    expect(res.status).toBe(201);
  }
}

/** Opens all four transports in the page and collects the seqs each delivers. */
async function subscribeAll(page: Page, channel: string) {
  await page.evaluate((ch) => {
    const got: { ws: number[]; sse: number[]; longPoll: number[]; poll: number[] } = {
      ws: [],
      sse: [],
      longPoll: [],
      poll: [],
    };
    const sseReconnects: string[] = [];
    (window as unknown as { got: typeof got }).got = got;
    (window as unknown as { sseOpens: string[] }).sseOpens = sseReconnects;
    const es = new EventSource(`/api/channels/${ch}/sse?cursor=earliest`);
    es.onmessage = (e) => got.sse.push(JSON.parse(e.data).seq);
    es.addEventListener("hello", (e) => sseReconnects.push((e as MessageEvent).lastEventId));
    const ws = new WebSocket(
      `${location.origin.replace("http", "ws")}/api/channels/${ch}/ws?cursor=earliest`,
    );
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.type === "message") got.ws.push(frame.seq);
    };
    const loop = async (kind: "long-poll" | "poll", into: number[]) => {
      let cursor = "earliest";
      for (let i = 0; i < 200; i++) {
        const res = await fetch(
          `/api/channels/${ch}/${kind}?cursor=${cursor}${kind === "long-poll" ? "&timeout=2000" : ""}`,
        );
        const body = await res.json();
        for (const m of body.messages) into.push(m.seq);
        cursor = body.cursor;
        if (kind === "poll") await new Promise((r) => setTimeout(r, 100));
      }
    };
    void loop("long-poll", got.longPoll);
    void loop("poll", got.poll);
  }, channel);
}

const seqs = (page: Page) => page.evaluate(() => (window as unknown as { got: Got }).got);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test("all four transports deliver 1..N in order, once, in Chromium", async ({
  page,
  baseURL,
  newChannel,
}) => {
  const ch = newChannel("order");
  await page.goto("/");
  await subscribeAll(page, ch);
  await publish(baseURL as string, ch, N);
  await expect
    .poll(async () => Object.values(await seqs(page)).map((s) => s.length), { timeout: 15_000 })
    .toEqual([N, N, N, N]);
  const got = await seqs(page);
  for (const name of ["ws", "sse", "longPoll", "poll"] as const) expect(got[name], name).toEqual(range(N));
});

test("after the disconnect endpoint, EventSource resumes with Last-Event-ID and loses nothing", async ({
  page,
  baseURL,
  newChannel,
}) => {
  const ch = newChannel("cut");
  await page.goto("/");
  await subscribeAll(page, ch);
  await publish(baseURL as string, ch, 10);
  await expect.poll(async () => (await seqs(page)).sse.length).toBe(10);
  const cut = await fetch(`${baseURL}/api/channels/${ch}/disconnect`, { method: "POST" });
  expect(cut.status).toBe(200);
  expect((await cut.json()).disconnected).toBeGreaterThanOrEqual(2);
  await publish(baseURL as string, ch, 10, 11);
  // EventSource reconnects by itself (retry: 1000) and sends the last id it saw.
  await expect.poll(async () => (await seqs(page)).sse, { timeout: 15_000 }).toEqual(range(20));
  const opens = await page.evaluate(() => (window as unknown as { sseOpens: string[] }).sseOpens);
  expect(opens).toHaveLength(2);
  expect(opens[1]).toMatch(/:10$/);
  // The WebSocket was closed with 1012; a browser WebSocket does not reconnect by itself.
  expect((await seqs(page)).ws).toEqual(range(10));
});
