import type { LinksResponse } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { linkInfo } from "../src/links/links-route.ts";
import { presetLinks } from "../src/links/presets.ts";
import { expectError, request, withServer } from "./helpers.ts";
import { RawHttp, upgradeRequest } from "./raw-http.ts";

describe("GET /api/links", () => {
  it("lists every preset and fault with its figures and the prefix that goes through it", async () => {
    await withServer({}, async (h) => {
      const res = await request<LinksResponse>(`${h.url}/api/links`);
      expect(res.status).toBe(200);
      expect(res.body.links.map((l) => l.name)).toEqual(presetLinks().map((l) => l.name));
      const fourG = res.body.links.find((l) => l.name === "4g");
      expect(fourG).toEqual({
        name: "4g",
        baseUrl: "/link/4g",
        kind: "network",
        rttMs: 150,
        downKbps: 1600,
        upKbps: 750,
        jitterMs: 0,
        lossPercent: 0,
        stallMs: 0,
        bufferBytes: null,
        idleTimeoutMs: null,
        upgrade: "pass",
        description: expect.stringContaining("150 ms"),
        source: expect.stringContaining("Slow 4G"),
      });
      expect(res.body.links.find((l) => l.name === "idle-timeout")?.idleTimeoutMs).toBe(30_000);
      expect(res.body).toEqual({ links: presetLinks().map(linkInfo) });
      // The list answers through a link too, like every other path.
      expect((await request(`${h.url}/link/lan/api/links`)).body).toEqual(res.body);
    });
  });

  it("takes the idle timeout from the server's options", async () => {
    await withServer({ linkIdleTimeoutMs: 5000 }, async (h) => {
      const res = await request<LinksResponse>(`${h.url}/api/links`);
      expect(res.body.links.find((l) => l.name === "idle-timeout")?.idleTimeoutMs).toBe(5000);
    });
  });
});

describe("the /link/<name> prefix", () => {
  it("serves the page under the prefix and refuses unknown links with 404", async () => {
    await withServer({}, async (h) => {
      for (const path of ["/link/lan", "/link/lan/", "/link/lan/?view=compare"]) {
        const page = await request(`${h.url}${path}`);
        expect(page.status).toBe(200);
        expect(page.text).toContain("Transport Lab");
      }
      await expectError(request(`${h.url}/link/nope/api/time`), 404, "not_found");
      const raw = await RawHttp.open(h.server.port);
      raw.write(upgradeRequest("/link/nope/api/channels/chat/ws"));
      expect((await raw.rest()).toString("latin1")).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    });
  });

  it("shapes per request: one kept-alive connection carries link and plain requests, each at its own speed", async () => {
    await withServer({}, async (h) => {
      const RTT = 400; // 3g
      const raw = await RawHttp.open(h.server.port);
      const fresh = await raw.get("/link/3g/api/time"); // handshake + request: two round trips
      // Alternately plain and linked on the same connection; the fastest of three of each, so that
      // one stall of a busy machine does not decide the figure.
      const plain: number[] = [];
      const linked: number[] = [];
      for (let i = 0; i < 3; i++) {
        plain.push((await raw.get("/api/time")).ms);
        linked.push((await raw.get("/link/3g/api/time")).ms);
      }
      raw.close();
      const [p, l] = [Math.min(...plain), Math.min(...linked)];
      // A link never delivers early (2 ms for timer rounding); what it adds is one round trip
      // within the issue's ±15 % + 2 ms, and a request without it pays none of that.
      expect(fresh.ms).toBeGreaterThan(2 * RTT - 2);
      expect(l).toBeGreaterThan(RTT - 2);
      expect(Math.abs(l - p - RTT)).toBeLessThanOrEqual(0.15 * RTT + 2);
      expect(p).toBeLessThan(0.15 * RTT);
    });
  });

  it("answers a few pipelined link requests in order and cuts a connection that floods them", async () => {
    await withServer({}, async (h) => {
      const few = await RawHttp.open(h.server.port);
      few.write("GET /link/lan/api/time HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3));
      const answers = (
        await few.readUntil((b) => b.toString("latin1").split("HTTP/1.1 200").length === 4)
      ).toString();
      expect(answers.split('{"time":').length - 1).toBe(3);
      few.close();
      const flood = await RawHttp.open(h.server.port);
      const opened = performance.now();
      flood.write("GET /link/satellite/api/time HTTP/1.1\r\nHost: x\r\n\r\n".repeat(200));
      expect(await flood.rest()).toHaveLength(0);
      // Cut at once: answering even the first would take two satellite round trips (1260 ms:
      // handshake and request), less the 15 % and 2 ms.
      expect(performance.now() - opened).toBeLessThan(2 * 630 * 0.85 - 2);
      expect((await request(`${h.url}/healthz`)).status).toBe(200);
    });
  });
});
