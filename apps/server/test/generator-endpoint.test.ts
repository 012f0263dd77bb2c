import { describe, expect, it } from "vitest";
import { post, range, sleep, withServer } from "./helpers.ts";

describe("generator", () => {
  it('produces {"tick":n,"pad":…} of about payloadBytes at roughly the asked rate, and stops at rate 0', async () => {
    await withServer({}, async (h) => {
      const ws = await h.ws("gen");
      await ws.next(); // hello
      const rate = 200;
      const payloadBytes = 300;
      // The server runs in this process, so its envelope `time` is on this clock.
      const postedAt = performance.timeOrigin + performance.now();
      const started = await post(h.channelUrl("gen", "generator"), { rate, payloadBytes });
      expect(started.status).toBe(200);
      expect(started.body).toEqual({ channel: "gen", rate, payloadBytes, running: true });
      expect((await h.info("gen")).generator).toEqual({ rate, payloadBytes, running: true });

      const windowMs = 800;
      const raws: string[] = [];
      const t0 = performance.now();
      while (performance.now() - t0 < windowMs) raws.push(await ws.nextRaw(1000));
      const stopped = await post(h.channelUrl("gen", "generator"), { rate: 0 });
      expect(stopped.body).toEqual({ channel: "gen", rate: 0, payloadBytes: 64, running: false });
      const seqAtStop = (await h.info("gen")).seq;

      const frames = raws.map((r) => JSON.parse(r));
      expect(frames.map((f) => f.seq)).toEqual(range(1, frames.length));
      expect(frames.map((f) => f.data.tick)).toEqual(range(1, frames.length));
      for (const [k, raw] of raws.entries()) {
        const dataJson = raw.slice(raw.indexOf(',"data":') + 8, -1);
        expect(dataJson).toMatch(new RegExp(`^\\{"tick":${k + 1},"pad":"x*"\\}$`));
        expect(dataJson.length).toBe(payloadBytes);
      }
      // Messages are scheduled from the start (late timers catch up), so count against the time
      // since the request rather than between first and last, which a catch-up burst would skew.
      const last = frames[frames.length - 1];
      const measured = (frames.length * 1000) / (last.time - postedAt);
      console.log(
        `generator: asked ${rate}/s, measured ${measured.toFixed(0)}/s over ${frames.length} messages`,
      );
      expect(measured).toBeGreaterThan(rate * 0.75);
      expect(measured).toBeLessThan(rate * 1.2);
      expect(frames.length).toBeGreaterThan(rate * (windowMs / 1000) * 0.6);

      await sleep(150);
      expect((await h.info("gen")).seq).toBe(seqAtStop);
      expect((await h.info("gen")).generator.running).toBe(false);
      expect((await h.metrics()).publishes.generator).toBe(seqAtStop);
    });
  });

  it("payloadBytes 0 gives the shortest message, and the default payload is 64 bytes", async () => {
    await withServer({}, async (h) => {
      const tiny = await h.ws("tiny");
      const dflt = await h.ws("dflt");
      await tiny.next();
      await dflt.next();
      await post(h.channelUrl("tiny", "generator"), { rate: 100, payloadBytes: 0 });
      const started = await post(h.channelUrl("dflt", "generator"), { rate: 100 });
      expect(started.body).toMatchObject({ payloadBytes: 64, running: true });
      const [m] = await tiny.messages(1);
      const raw = await dflt.nextRaw();
      await post(h.channelUrl("tiny", "generator"), { rate: 0 });
      await post(h.channelUrl("dflt", "generator"), { rate: 0 });
      expect(m?.data).toEqual({ tick: 1, pad: "" });
      expect(raw.slice(raw.indexOf(',"data":') + 8, -1)).toHaveLength(64);
    });
  });

  it("shutdown stops generators", async () => {
    await withServer({}, async (h) => {
      await post(h.channelUrl("gen", "generator"), { rate: 1000, payloadBytes: 10 });
      await sleep(50);
      await h.server.close();
      const seq =
        h.server.instance.context.hub
          .list()
          .find((c) => c.name === "gen")
          ?.log.state().seq ?? -1;
      expect(seq).toBeGreaterThan(0);
      await sleep(100);
      expect(
        h.server.instance.context.hub
          .list()
          .find((c) => c.name === "gen")
          ?.log.state().seq,
      ).toBe(seq);
    });
  });
});
