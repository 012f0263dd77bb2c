import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../src/index.ts";
import type { LinkSpec } from "../src/links/presets.ts";
import { presetLinks } from "../src/links/presets.ts";
import { openWs } from "./clients.ts";
import { post } from "./helpers.ts";
import { type RawAnswer, RawHttp } from "./raw-http.ts";

// Each preset link's round trip and bandwidth, measured from outside with exact byte counts.
// A figure is the fastest of a few samples through the link minus the fastest of the same exchange
// without a link, taken alternately in the same run: what is left is what the link added, not the
// server's own work. The fastest, not the median, because a busy machine only ever adds time (a
// timer that fires late, a process not scheduled); the link's own delays are fixed (no jitter, no
// loss in these presets), so its added time is what the fastest sample shows.
// wifi's random 0.2 % loss is switched off here (a stall would be a 200 ms outlier in a timing);
// stalls have their own deterministic test in src/links/link-pipe.test.ts.
const LINKS: LinkSpec[] = presetLinks()
  .filter((l) => l.kind === "network")
  .map((l) => ({ ...l, lossPercent: 0 }));

/** Links of a few milliseconds, where scheduling noise is the same size as the delay itself. */
const isFast = (l: LinkSpec) => l.rttMs < 50;
/** Samples per figure: cheap on fast links, where more of them find a quiet moment. */
const rounds = (l: LinkSpec) => (isFast(l) ? 7 : 3);

/** Time the link needs to serialize `bytes` at `kbps` (0 when not limited). */
const wire = (bytes: number, kbps: number | null) => (kbps === null ? 0 : (bytes * 8) / kbps);

/** The bound: within ±15 % of the expected time, plus 2 ms for timers and loopback. */
function expectNear(measured: number, expected: number, what: string) {
  const slack = 0.15 * expected + 2;
  expect(
    Math.abs(measured - expected),
    `${what}: the link added ${measured.toFixed(1)} ms, expected ${expected.toFixed(1)} ± ${slack.toFixed(1)}`,
  ).toBeLessThanOrEqual(slack);
}

/**
 * Runs `sample(prefix)` with the link's prefix and without, alternately, `rounds(link)` times, and
 * hands fastest minus fastest to `check`. On a fast link a figure outside the bound gets more
 * batches (up to 4): a busy machine only adds time, so the fastest of more samples comes nearer the
 * link's own fixed delay, while a link that adds the wrong time stays outside however many are
 * taken. A slow link's bound is tens of ms, far above scheduling noise: one batch.
 */
async function compare(
  link: LinkSpec,
  sample: (prefix: string) => Promise<number>,
  check: (added: number) => void,
) {
  const through: number[] = [];
  const bare: number[] = [];
  await sample(`/link/${link.name}`); // a first round compiles and opens lazy state: not counted
  await sample("");
  const batches = isFast(link) ? 4 : 1;
  for (let batch = 1; ; batch++) {
    for (let i = 0; i < rounds(link); i++) {
      through.push(await sample(`/link/${link.name}`));
      bare.push(await sample(""));
    }
    try {
      check(Math.min(...through) - Math.min(...bare));
      return;
    } catch (error) {
      if (batch === batches) throw error;
    }
  }
}

let server: RunningServer;
let wsBase: string;
beforeAll(async () => {
  // A poll answer is capped at 1 MiB by default (MAX_POLL_BYTES); this one must be over it.
  server = await startServer({ port: 0, links: LINKS, rateLimit: 0, maxPollBytes: 2 * 1024 * 1024 });
  wsBase = server.url.replace("http", "ws");
  // The 1 MiB answer: 17 messages of 62,000 characters, read back by one poll.
  const data = "x".repeat(62_000);
  for (let i = 0; i < 17; i++) await post(`${server.url}/api/channels/big/messages`, { data });
});
afterAll(() => server.close(500));

/** The timed checks for one link. */
function linkChecks(link: LinkSpec) {
  it("GET /api/time: a new connection takes two round trips (handshake + request), a reused one takes one", async () => {
    let bytes = 0;
    // Request and answer are each below 256 bytes; the slower direction bounds their serialization.
    const serialization = () => wire(bytes, Math.min(link.upKbps ?? Infinity, link.downKbps ?? Infinity));
    await compare(
      link,
      async (prefix) => {
        const client = await RawHttp.open(server.port);
        const answer = await client.get(`${prefix}/api/time`);
        client.close();
        expect(answer.status).toBe(200);
        bytes = answer.bytesOut + answer.bytesIn;
        return answer.ms;
      },
      (fresh) => expectNear(fresh, 2 * link.rttMs + serialization(), "new connection"),
    );
    const client = await RawHttp.open(server.port);
    await client.get(`/link/${link.name}/api/time`);
    try {
      await compare(
        link,
        async (prefix) => (await client.get(`${prefix}/api/time`)).ms,
        (reused) => expectNear(reused, link.rttMs + serialization(), "reused connection"),
      );
    } finally {
      client.close();
    }
  });

  it("a WebSocket handshake takes two round trips, a ping frame one", async () => {
    await compare(
      link,
      async (prefix) => {
        const t0 = performance.now();
        const ws = await openWs(`${wsBase}${prefix}/api/channels/chat/ws`);
        expect((await ws.next(5000)).type).toBe("hello");
        ws.socket.terminate();
        return performance.now() - t0;
      },
      (handshake) => expectNear(handshake, 2 * link.rttMs, "handshake to hello"),
    );
    const sockets = {
      through: await openWs(`${wsBase}/link/${link.name}/api/channels/chat/ws`),
      bare: await openWs(`${wsBase}/api/channels/chat/ws`),
    };
    await sockets.through.next(5000);
    await sockets.bare.next(5000);
    let frames = 0;
    try {
      await compare(
        link,
        async (prefix) => {
          const ws = prefix ? sockets.through : sockets.bare;
          const frame = JSON.stringify({ type: "ping", ref: 1 });
          const sent = performance.now();
          ws.send(frame);
          const pong = await ws.nextRaw(5000);
          expect(JSON.parse(pong)).toMatchObject({ type: "pong", ref: 1 });
          // A client frame has a 6-byte header and is masked; the server's has 2.
          frames = frame.length + 6 + pong.length + 2;
          return performance.now() - sent;
        },
        (ping) =>
          expectNear(
            ping,
            link.rttMs + wire(frames, Math.min(link.upKbps ?? Infinity, link.downKbps ?? Infinity)),
            "ping → pong",
          ),
      );
    } finally {
      sockets.through.socket.terminate();
      sockets.bare.socket.terminate();
    }
  });

  it.skipIf(link.downKbps === null)(
    "a 1 MiB answer takes size ÷ downlink bandwidth",
    { timeout: 40_000 },
    async () => {
      // The link's part of the answer's time: through the link, minus the time to the first byte
      // of the same answer without a link (the server building it), minus the link's round trip
      // and the request's serialization, fastest of the tries. Timing the client's first and last
      // read instead is not safe in one process: a stalled event loop delays the first read and
      // the server's timers alike, and the catch-up makes the transfer look faster than the link.
      const client = await RawHttp.open(server.port);
      await client.get(`/link/${link.name}/api/time`); // the handshake is paid here, not below
      const through: number[] = [];
      const bare: number[] = [];
      let answer: RawAnswer | undefined;
      // One try only where a try takes many seconds (3g: 17 s); satellite's 0.5 s gets three,
      // since a single sample on a busy machine is what the fastest-of is there to avoid.
      const tries = wire(1024 * 1024, link.downKbps) < 2000 ? 3 : 1;
      for (let i = 0; i < tries; i++) {
        bare.push((await client.get("/api/channels/big/poll?cursor=earliest")).firstByteMs);
        answer = await client.get(`/link/${link.name}/api/channels/big/poll?cursor=earliest`, 35_000);
        through.push(answer.ms);
      }
      client.close();
      if (answer === undefined) throw new Error("no answer");
      expect(answer.status).toBe(200);
      expect(answer.bytesIn).toBeGreaterThan(1024 * 1024);
      const transfer =
        Math.min(...through) - Math.min(...bare) - link.rttMs - wire(answer.bytesOut, link.upKbps);
      expectNear(transfer, wire(answer.bytesIn, link.downKbps), "1 MiB transfer");
    },
  );

  it.skipIf(link.upKbps === null)("a 60 KiB publish takes size ÷ uplink bandwidth", async () => {
    const client = await RawHttp.open(server.port);
    await client.get(`/link/${link.name}/api/time`);
    const body = JSON.stringify({ data: "u".repeat(60 * 1024) });
    let size = 0;
    try {
      await compare(
        link,
        async (prefix) => {
          const answer = await client.request(
            "POST",
            `${prefix}/api/channels/up-${link.name}/messages`,
            body,
          );
          expect(answer.status).toBe(201);
          size = answer.bytesOut;
          return answer.ms;
        },
        (added) => expectNear(added - link.rttMs, wire(size, link.upKbps), "60 KiB upload"),
      );
    } finally {
      client.close();
    }
  });
}

// Links of a few milliseconds are measured one check at a time, so that no other check's work on
// the event loop shows up in them; the slow ones (where ±15 % is tens of ms) run side by side.
describe.each(LINKS.filter(isFast))("through $name", linkChecks);
describe.concurrent.each(LINKS.filter((l) => !isFast(l)))("through $name", linkChecks);
