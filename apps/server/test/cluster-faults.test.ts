import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { type ClusterHarness, withCluster } from "./cluster/cluster-harness.ts";
import { startTcpGate, type TcpGate } from "./cluster/tcp-gate.ts";
import { eventually, post, range, request, sleep } from "./helpers.ts";
import { openResumingClient, type ResumingClient } from "./resuming-clients.ts";

/** Resuming clients of every transport on every instance (and through the balancer). */
function clientsEverywhere(c: ClusterHarness, channel: string, viaBalancer = false): ResumingClient[] {
  const bases = viaBalancer ? [c.url, c.url] : c.instances.map((i) => i.url);
  const clients = bases.flatMap((base) => TRANSPORT_NAMES.map((t) => openResumingClient(t, base, channel)));
  c.defer(() => {
    for (const client of clients) client.close();
  });
  return clients;
}

async function allHave(clients: ResumingClient[], n: number, timeoutMs = 15_000) {
  await eventually(() => {
    for (const client of clients) expect(client.seqs.length, client.transport).toBeGreaterThanOrEqual(n);
  }, timeoutMs);
}

/** Every instance says it delivers again (a probe went round through Redis). */
async function healthy(c: ClusterHarness, timeoutMs = 10_000) {
  await eventually(async () => {
    for (const i of c.instances) expect((await request(`${i.url}/healthz`)).status).toBe(200);
  }, timeoutMs);
}

describe("faults of a cluster sharing channels through Redis", () => {
  it("Redis restarted without its data: every client gets an epoch reset and delivery goes on", {
    timeout: 60_000,
  }, async () => {
    await withCluster({}, async (c) => {
      const clients = clientsEverywhere(c, "lost");
      const [a, b] = c.instances.map((i) => i.url) as [string, string];
      for (const i of range(1, 30)) await c.publish(i % 2 ? a : b, "lost", { i });
      await allHave(clients, 30);
      const before = (await c.publish(a, "lost", "last")).cursor.split(":")[0];
      await allHave(clients, 31);
      await c.redis.restart();
      await healthy(c);
      const after = (await c.publish(b, "lost", "first again")).cursor;
      expect(after).toMatch(/:1$/);
      expect(after.split(":")[0]).not.toBe(before);
      for (const i of range(2, 20)) await c.publish(i % 2 ? a : b, "lost", { i });
      await eventually(() => {
        for (const client of clients) {
          expect({ t: client.transport, seqs: client.seqs }).toEqual({
            t: client.transport,
            seqs: [...range(1, 31), ...range(1, 20)],
          });
          expect(client.resets, client.transport).toEqual(["epoch"]);
        }
      }, 15_000);
    });
  });

  it("Redis unreachable for seconds: publishes are 503 store_unavailable, /healthz says so, and subscribers lose nothing", {
    timeout: 60_000,
  }, async () => {
    let gate: TcpGate | undefined;
    await withCluster(
      {
        redisUrl: async (redis) => {
          gate = await startTcpGate(redis.port);
          return `redis://127.0.0.1:${gate.port}`;
        },
      },
      async (c) => {
        c.defer(() => gate?.stop());
        const clients = clientsEverywhere(c, "gap");
        const [a, b] = c.instances.map((i) => i.url) as [string, string];
        for (const i of range(1, 20)) await c.publish(i % 2 ? a : b, "gap", { i });
        await allHave(clients, 20);
        gate?.close();
        await sleep(300);
        for (const base of [a, b]) {
          const res = await post<{ error: { code: string } }>(`${base}/api/channels/gap/messages`, {
            data: "x",
          });
          expect({ status: res.status, code: res.body.error?.code }).toEqual({
            status: 503,
            code: "store_unavailable",
          });
        }
        await eventually(async () => {
          for (const base of [a, b]) {
            const health = await request<{ status: string; reason: string }>(`${base}/healthz`);
            expect(health.status).toBe(503);
            expect(health.body.status).toBe("unavailable");
          }
        }, 5000);
        await sleep(2000);
        gate?.open();
        await healthy(c);
        for (const i of range(21, 40)) await c.publish(i % 2 ? a : b, "gap", { i });
        await allHave(clients, 40);
        await sleep(100);
        for (const client of clients) {
          expect({ t: client.transport, seqs: client.seqs }).toEqual({
            t: client.transport,
            seqs: range(1, 40),
          });
          expect(client.resets).toEqual([]);
        }
      },
    );
  });

  it("an instance killed: its clients reconnect through the balancer to another one and resume with nothing lost", {
    timeout: 60_000,
  }, async () => {
    await withCluster({ kinds: ["inline", "process"] }, async (c) => {
      const clients = clientsEverywhere(c, "kill", true);
      const [survivor, victim] = c.instances as [(typeof c.instances)[0], (typeof c.instances)[0]];
      for (const i of range(1, 30)) await c.publish(survivor.url, "kill", { i });
      await allHave(clients, 30);
      await victim.stop(); // SIGKILL: no close frame, no answer, nothing said to Redis
      for (const i of range(31, 60)) {
        await c.publish(survivor.url, "kill", { i });
        if (i % 10 === 0) await sleep(50);
      }
      await allHave(clients, 60);
      await sleep(100);
      for (const client of clients) {
        expect({ t: client.transport, seqs: client.seqs }).toEqual({
          t: client.transport,
          seqs: range(1, 60),
        });
      }
      const failed = clients.filter((client) => client.failures > 0).length;
      console.log(`instance killed: ${failed} of ${clients.length} clients had to reconnect`);
      expect(failed).toBeGreaterThan(0);
    });
  });
});
