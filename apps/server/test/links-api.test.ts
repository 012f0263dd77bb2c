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
      const raw = await RawHttp.open(h.server.port);
      const fresh = await raw.get("/link/3g/api/time"); // handshake + request: two 400 ms round trips
      const plain = await raw.get("/api/time");
      const linked = await raw.get("/link/3g/api/time");
      const plainAgain = await raw.get("/api/time");
      raw.close();
      expect(fresh.ms).toBeGreaterThan(790);
      expect(plain.ms).toBeLessThan(100);
      expect(linked.ms).toBeGreaterThan(395);
      expect(linked.ms).toBeLessThan(700);
      expect(plainAgain.ms).toBeLessThan(100);
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
      expect(performance.now() - opened).toBeLessThan(600); // cut at once, not answered after 630 ms
      expect((await request(`${h.url}/healthz`)).status).toBe(200);
    });
  });
});
