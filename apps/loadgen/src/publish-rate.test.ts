import { startServer } from "@transport-lab/server";
import { expect, it } from "vitest";
import { publishRate } from "./publish-rate.ts";

it("counts publishes the server refuses, names the first refusal, and keeps publishing through them", {
  timeout: 30_000,
}, async () => {
  // 20 frames/s per address: almost every one of 8 in flight is refused with `rate_limited`.
  const server = await startServer({ port: 0, host: "127.0.0.1", rateLimit: 20 });
  try {
    const r = await publishRate(server.url, { server: undefined }, 1, 8, 1);
    expect(r.firstRefusal).toBe("rate_limited");
    // Refused answers keep the window full: far more than the 8 first frames were answered.
    expect(r.refused).toBeGreaterThan(50);
    expect(r.rate).toBeLessThan(60);
  } finally {
    await server.close(300);
  }
});
