import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TransportName } from "@transport-lab/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { createClientWith } from "../client.ts";
import { nodePlatform } from "../node/node-platform.ts";
import { transports } from "./registry.ts";

/**
 * A stand-in for a server that cuts its poll answers at a size cap: the first answer carries
 * 1…3 and says more is waiting, the second 4…6 and does not, later ones are empty (a long-poll
 * is held until the test ends). It records each request's query.
 */
async function cappedServer() {
  const queries: URLSearchParams[] = [];
  const held = new Set<http.ServerResponse>();
  const envelope = (seq: number) => ({ channel: "c", seq, time: 1, data: seq });
  const server = http.createServer((req, res) => {
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    queries.push(query);
    const n = queries.length;
    const answer =
      n === 1
        ? { cursor: "e:3", messages: [1, 2, 3].map(envelope), more: true }
        : n === 2
          ? { cursor: "e:6", messages: [4, 5, 6].map(envelope) }
          : { cursor: "e:6", messages: [] };
    if (n > 2 && query.get("timeout") !== null && query.get("timeout") !== "1") {
      held.add(res);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    close: () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

let stop: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const s of stop) await s();
  stop = [];
});

describe.each<TransportName>(["poll", "longPoll"])("%s: an answer with more waiting", (transport) => {
  it("asks again at once, without the interval or a hold", async () => {
    const server = await cappedServer();
    // An interval and a hold far longer than the test: only `more` can bring 4…6 in time.
    const client = createClientWith(nodePlatform, transports, {
      baseUrl: server.url,
      channel: "c",
      transport,
      cursor: "e:0",
      clock: false,
      pollIntervalMs: 60_000,
      longPollTimeoutMs: 60_000,
    });
    stop = [() => client.close(), server.close];
    const seqs: number[] = [];
    client.on("message", (e) => seqs.push(e.seq));
    const deadline = Date.now() + 3000;
    while (seqs.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.queries.slice(0, 2).map((q) => q.get("cursor"))).toEqual(["e:0", "e:3"]);
    if (transport === "longPoll") {
      // The handshake and the request for what was waiting are not held; the one after is.
      await new Promise((r) => setTimeout(r, 50));
      expect(server.queries.map((q) => q.get("timeout"))).toEqual(["1", "1", "60000"]);
    } else {
      expect(server.queries).toHaveLength(2);
    }
  });
});
