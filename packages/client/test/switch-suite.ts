import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import { startServer } from "@transport-lab/server";
import { describe, expect, it } from "vitest";
import { platform as nodePlatform } from "../src/index.node.ts";
import { api, channelInfo, sleep, waitFor } from "./helpers.ts";
import { FAST, range, recordOn } from "./recorded.ts";

/** Switching transports on a live client (Node platform). */
export function defineSwitchSuite(): void {
  describe("switchTransport", () => {
    it("moves through all four transports under load, losing and repeating nothing", async () => {
      const srv = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 0, historySize: 20_000 });
      const channel = "switching";
      const r = recordOn(
        { baseUrl: srv.url, channel, transport: "ws", cursor: "earliest", ...FAST },
        nodePlatform,
      );
      try {
        await waitFor("open", () => r.client.state.kind === "open");
        await api("POST", `${srv.url}/api/channels/${channel}/generator`, { rate: 2000, payloadBytes: 32 });
        for (const next of ["sse", "longPoll", "poll", "ws", "poll", "sse"] as const) {
          await sleep(150);
          r.client.switchTransport(next);
          expect(r.client.transport).toBe(next);
        }
        await sleep(150);
        await api("POST", `${srv.url}/api/channels/${channel}/generator`, { rate: 0 });
        const n = (await channelInfo(srv.url, channel)).seq;
        await waitFor(`${n} messages`, () => r.seqs.length >= n, 10_000);
        await sleep(100);
        expect(r.seqs).toEqual(range(1, n));
        expect(r.client.delivery.duplicates).toBe(0);
        expect(r.states.filter((s) => s.kind === "connecting").map((s) => s.reason)).toEqual([
          "start",
          "switch",
          "switch",
          "switch",
          "switch",
          "switch",
          "switch",
        ]);
        const perTransport = r.client.snapshot().transports;
        const total = TRANSPORT_NAMES.reduce(
          (sum, name) => sum + (perTransport[name]?.metrics.messages ?? 0),
          0,
        );
        expect(total).toBe(n);
      } finally {
        await r.client.close();
        await srv.close(300);
      }
    });
  });
}
