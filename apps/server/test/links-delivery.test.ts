import type { Envelope, PollResponse } from "@transport-lab/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../src/index.ts";
import { type LinkSpec, presetLinks } from "../src/links/presets.ts";
import { openEventSource, openWs } from "./clients.ts";
import { post, range, sleep } from "./helpers.ts";

// Every transport, through every preset link and one deliberately rough link (jitter and 5 % loss),
// delivers 1..N exactly once, in order, with the data that was published. The messages are
// published while the clients are connecting and receiving, so that both the replay and live
// delivery cross the link. Clients we did not write: `ws`, `eventsource`, fetch.
const ROUGH: LinkSpec = {
  ...(presetLinks()[0] as LinkSpec),
  name: "rough",
  rttMs: 40,
  jitterMs: 15,
  lossPercent: 5,
  stallMs: 60,
  downKbps: 2000,
  upKbps: 1000,
};
const LINKS = [...presetLinks().filter((l) => l.kind === "network"), ROUGH];
const N = 30;
const TRANSPORTS = ["ws", "sse", "long-poll", "poll"] as const;
type Transport = (typeof TRANSPORTS)[number];
/** The transports each fault lets through (links-faults.test.ts checks how the others fail). */
const THROUGH_FAULTS: [string, Transport[]][] = [
  ["ws-blocked", ["sse", "long-poll", "poll"]],
  ["ws-dropped", ["sse", "long-poll", "poll"]],
  ["buffering-proxy", ["long-poll", "poll"]],
  ["idle-timeout", ["ws", "sse", "long-poll", "poll"]],
];

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, links: [...presetLinks(), ROUGH], rateLimit: 0 });
});
afterAll(() => server.close(500));

/** Polls (long or interval) from `earliest` until `n` messages came, then once more; every message seen. */
async function pollAll(url: string, n: number, long: boolean): Promise<Envelope[]> {
  const got: Envelope[] = [];
  let cursor = "earliest";
  const deadline = performance.now() + 15_000;
  let extra = 0;
  for (let round = 0; round < 200 && performance.now() < deadline && extra < 1; round++) {
    if (got.length >= n) extra += 1;
    const query = `cursor=${encodeURIComponent(cursor)}${long ? "&timeout=1000" : ""}`;
    const res = await fetch(`${url}?${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as PollResponse;
    expect(body.reset).toBeUndefined();
    got.push(...body.messages);
    cursor = body.cursor;
    if (!long) await sleep(100);
  }
  return got;
}

/** Subscribes over `transport` through `base` and returns every message it delivered. */
async function receive(transport: Transport, base: string, ch: string, link: LinkSpec) {
  const url = `${base}/api/channels/${ch}`;
  const settle = 2 * link.rttMs + 300; // long enough for a duplicate to show up after the last message
  switch (transport) {
    case "ws": {
      const ws = await openWs(`${url.replace("http", "ws")}/ws?cursor=earliest`);
      expect((await ws.next(10_000)).type).toBe("hello");
      const messages = await ws.messages(N, 15_000);
      await sleep(settle);
      expect(ws.pending).toBe(0);
      ws.socket.terminate();
      return messages;
    }
    case "sse": {
      const es = await openEventSource(`${url}/sse?cursor=earliest`);
      expect((await es.events.next(10_000)).type).toBe("hello");
      const messages = await es.messages(N, 15_000);
      await sleep(settle);
      expect(es.events.size).toBe(0);
      es.close();
      return messages;
    }
    case "long-poll":
      return pollAll(`${url}/long-poll`, N, true);
    case "poll":
      return pollAll(`${url}/poll`, N, false);
  }
}

/** Subscribes every one of `transports` through `link` to one channel, publishes 1..N, checks each got them all once. */
async function deliverThrough(link: LinkSpec, transports: readonly Transport[]) {
  const ch = `d-${link.name}`;
  // One promise over all of them from the start, so that a client failing while messages are
  // still being published is a failure of this test, not an unhandled rejection.
  const received = Promise.all(
    transports.map((t) => receive(t, `${server.url}/link/${link.name}`, ch, link)),
  );
  for (const i of range(1, N)) {
    await post(`${server.url}/api/channels/${ch}/messages`, { data: { i } });
    await sleep(10);
  }
  const all = await received;
  for (const [k, messages] of all.entries()) {
    const what = `${transports[k]} through ${link.name}`;
    expect(
      messages.map((m) => m.seq),
      what,
    ).toEqual(range(1, N));
    expect(
      messages.map((m) => m.data),
      what,
    ).toEqual(range(1, N).map((i) => ({ i })));
  }
}

describe.concurrent.each(LINKS)("through $name", (link) => {
  it(
    "ws, sse, long-poll and poll on one channel each deliver 1..N exactly once, in order",
    { timeout: 30_000 },
    () => deliverThrough(link, TRANSPORTS),
  );
});

describe.concurrent.each(THROUGH_FAULTS)("through %s", (name, transports) => {
  it(`${transports.join(", ")} deliver 1..N exactly once, in order`, { timeout: 30_000 }, () =>
    deliverThrough(presetLinks().find((l) => l.name === name) as LinkSpec, transports),
  );
});
