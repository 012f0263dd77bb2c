import { readFile } from "node:fs/promises";
import { type LinksResponse, TRANSPORT_NAMES } from "@transport-lab/protocol";
import { runBench } from "../bench/run-bench.ts";
import { writeReports } from "../bench/write-reports.ts";
import { expect, FIVE_LANES, test } from "../support/lab-page.ts";

// `pnpm bench` in miniature, through the same code: one quiet cell, seconds long, so that the
// benchmark keeps working between the runs of the full matrix that someone asks for. The first
// runs with the Socket.IO lane (`--socketio`), the second without it.

test("the browser benchmark measures all four transports and Socket.IO (--socketio) in one cell and writes its three reports", async ({
  browser,
  api,
}, testInfo) => {
  const result = await runBench({
    browser,
    api,
    cells: [{ rate: 10, payloadBytes: 64 }],
    settings: {
      warmupMs: 1000,
      durationMs: 2000,
      pollIntervalMs: 1000,
      longPollTimeoutMs: 25_000,
      server: {},
      socketio: true,
    },
  });

  expect(result.cells).toHaveLength(1);
  const [cell] = result.cells;
  if (cell === undefined) throw new Error("unreachable");
  expect(cell.problems, "caught up after warm-up and window, reconnected after the reset").toEqual([]);
  // 10 msg/s for 2 s: about 20, whatever the timers did.
  expect(cell.published).toBeGreaterThanOrEqual(15);
  expect(cell.envelopeBytes).toBeGreaterThan(64);
  for (const t of FIVE_LANES) {
    const f = cell.transports[t];
    if (f === undefined) throw new Error(`no figures for ${t}`);
    expect(f.messages, t).toBeGreaterThan(0);
    expect(f.messages, `${t} delivered exactly what was published in the window`).toBe(cell.published);
    expect([f.gaps, f.duplicates, f.reorders, f.resets], `${t} gaps/dups/reorders/resets`).toEqual([
      0, 0, 0, 0,
    ]);
    expect(f.latency.count, `${t} latency samples`).toBe(f.messages);
    expect(f.latency.p50, `${t} p50`).not.toBeNull();
    expect(f.clockUncertainty, `${t} clock ±`).not.toBeNull();
  }
  const { ws, sse, longPoll, poll, socketio } = cell.transports;
  // Streams: the one reconnect that Reset metrics makes (before the window's first message), then
  // frames and events only; Socket.IO WebSocket-only, as the benchmark configures it (no long polling).
  expect(ws.requests).toBe(1);
  expect(sse.requests).toBe(1);
  expect(socketio?.requests).toBe(1);
  expect(socketio?.requestsPerMessage).toBeLessThan(0.1);
  // Its clock is its own (sampled over its connection), not the page's.
  expect(socketio?.clockUncertainty).not.toBe(ws.clockUncertainty);
  // Socket.IO's framing (`42["message",…]`) costs more per message than the lab's WebSocket frame, never less.
  expect(socketio?.bytesPerMessage ?? 0).toBeGreaterThan(ws.bytesPerMessage ?? Number.POSITIVE_INFINITY);
  expect(ws.requestsPerMessage).toBeLessThan(0.1);
  expect(sse.requestsPerMessage).toBeLessThan(0.1);
  // Long polling: about one request per message at 10 msg/s (+ the handshake and the held one).
  expect(longPoll.requestsPerMessage).toBeGreaterThan(0.5);
  expect(longPoll.requestsPerMessage).toBeLessThanOrEqual(1.2);
  // Interval polling: one request a second, whatever arrives.
  expect(poll.requestsPerMessage).toBeLessThanOrEqual(1);
  expect(poll.latency.p50, "polling waits for the next poll").toBeGreaterThan(ws.latency.p50 ?? 0);

  const files = await writeReports(testInfo.outputPath("bench"), result);
  const json = JSON.parse(await readFile(files.json, "utf8")) as typeof result;
  expect(json.kind).toBe("transport-lab/browser-bench");
  expect(json.versions.chromium).toBe(browser.version());
  expect(json.machine.cores).toBeGreaterThan(0);
  expect(Object.keys(json.cells[0]?.transports ?? {})).toEqual([...FIVE_LANES]);
  expect(json.settings.socketio).toBe(true);
  const md = await readFile(files.markdown, "utf8");
  expect(md).toContain("- **Socket.IO lane:** on: socket.io-client 4.8 WebSocket-only");
  // Every table has its column, and the ratios to WebSocket one for Socket.IO.
  expect(md).toContain("| socket.io |");
  expect(md).toContain("socket.io p50");
  for (const title of [
    "Delivery latency (ms)",
    "HTTP requests per message",
    "Wire bytes per message",
    "Ratios to WebSocket",
  ])
    expect(md).toContain(`## ${title}`);
  const html = await readFile(files.html, "utf8");
  expect(html.match(/<svg /g)).toHaveLength(4);
  // Each chart has a Socket.IO series in its colour.
  expect(html.match(/#E69F00/gi)?.length ?? 0).toBeGreaterThanOrEqual(4);
  expect(html).not.toContain("<script");
});

test("through a link (pnpm bench --link) every lane pays its one-way delay, and every result names the link", async ({
  browser,
  api,
  baseURL,
}, testInfo) => {
  const { links } = (await (await fetch(`${baseURL}/api/links`)).json()) as LinksResponse;
  const link = links.find((l) => l.name === "4g");
  if (link === undefined) throw new Error("the server offers no 4g link");
  const result = await runBench({
    browser,
    api,
    cells: [{ rate: 10, payloadBytes: 64 }],
    settings: {
      warmupMs: 1000,
      durationMs: 2000,
      pollIntervalMs: 1000,
      longPollTimeoutMs: 25_000,
      server: {},
      link,
    },
  });
  const [cell] = result.cells;
  if (cell === undefined) throw new Error("unreachable");
  expect(cell.problems).toEqual([]);
  // What the page's own export said it measured on.
  expect(cell.network).toBe("4g");
  const oneWay = link.rttMs / 2;
  for (const t of TRANSPORT_NAMES) {
    const f = cell.transports[t];
    expect(f.messages, `${t} delivered exactly what was published in the window`).toBe(cell.published);
    expect([f.gaps, f.duplicates, f.reorders, f.resets], `${t} gaps/dups/reorders/resets`).toEqual([
      0, 0, 0, 0,
    ]);
    // Nothing arrives sooner than the link lets it (the clock's ± is half the 4g round trip, so the
    // lower bound allows it); a busy machine may add to the upper one.
    expect(f.latency.p50 ?? 0, `${t} p50`).toBeGreaterThanOrEqual(oneWay - (f.clockUncertainty ?? 0) - 2);
  }
  const { ws, sse, longPoll } = cell.transports;
  expect(ws.latency.p50 ?? 0).toBeLessThan(oneWay + 300);
  expect(sse.latency.p50 ?? 0).toBeLessThan(oneWay + 300);
  // Above one message per round trip long polling's answers batch: fewer requests than messages.
  expect(longPoll.requestsPerMessage).toBeLessThan(0.95);

  const files = await writeReports(testInfo.outputPath("bench-4g"), result);
  const json = JSON.parse(await readFile(files.json, "utf8")) as typeof result;
  expect(json.settings.link?.name).toBe("4g");
  expect(json.cells[0]?.network).toBe("4g");
  expect(await readFile(files.markdown, "utf8")).toContain(
    `- **Network:** 4g (/link/4g): ${link.rttMs} ms round trip`,
  );
});
