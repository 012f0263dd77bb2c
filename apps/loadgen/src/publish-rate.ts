import WebSocket from "ws";
import { spread } from "./idle-memory.ts";
import { cpuSecondsOf } from "./run.ts";
import type { Target } from "./targets.ts";

/** The processes a publish goes through, and the CPU each used per publish. */
export interface PublishRate {
  /** Acked publishes per second. */
  readonly rate: number;
  /**
   * Publishes the server answered with an error frame during the window, and the first such
   * answer's code: a sample with any is not a figure of the server's rate.
   */
  readonly refused: number;
  readonly firstRefusal: string | null;
  /** CPU over the window in % of one core: this process (the publishers), the server, Redis. */
  readonly cpuPercent: { readonly publisher: number; readonly server: number; readonly redis: number | null };
  /** The same as CPU µs per acked publish: what each process would need at the rate. */
  readonly cpuPerPublishUs: {
    readonly publisher: number;
    readonly server: number;
    readonly redis: number | null;
  };
  /**
   * True when the publishers used most of their one core (≥ 85 %): the figure is the load
   * generator's, not the server's.
   */
  readonly clientBound: boolean;
}

/** Publishers at or above this share of their one core set the pace themselves. */
const CLIENT_BOUND_PERCENT = 85;

/**
 * Sustained publishes/s on one channel: `sockets` WebSockets (on this process's main thread)
 * each keep `window` publish frames in flight for `seconds`, pipelined; the acks per second are
 * the figure (each ack means numbered, stored and fanned out, here to the `sockets` publishers,
 * which are subscribers too). The CPU of the publishers, the server (`serverPid`) and Redis
 * (`redisPid`) over the same window shows which one set the pace: on a shared machine a figure
 * below its neighbours' is a busy machine's, and CPU µs per publish is the figure that travels.
 */
export async function publishRate(
  base: string,
  pids: { readonly server: number | undefined; readonly redis?: number | undefined },
  sockets = 8,
  window = 32,
  seconds = 5,
): Promise<PublishRate> {
  const url = `${base.replace(/^http/, "ws")}/api/channels/pub-rate/ws`;
  let acked = 0;
  let refused = 0;
  let firstRefusal: string | null = null;
  let measuring = false;
  const payload = JSON.stringify({ type: "publish", data: { pad: "x".repeat(40) } });
  const all = await Promise.all(
    Array.from(
      { length: sockets },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url);
          ws.on("message", (raw) => {
            const text = String(raw);
            // An error frame answers a publish too: count it and keep the window full.
            const error = text.startsWith('{"type":"error"');
            if (!error && !text.startsWith('{"type":"ack"')) return;
            if (error) {
              refused += 1;
              firstRefusal ??= (JSON.parse(text) as { code?: string }).code ?? "error";
            } else if (measuring) acked += 1;
            ws.send(payload);
          });
          ws.once("open", () => resolve(ws));
          ws.once("error", reject);
        }),
    ),
  );
  for (const ws of all) for (let i = 0; i < window; i++) ws.send(payload);
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  const cpu = () => ({ server: cpuSecondsOf(pids.server), redis: cpuSecondsOf(pids.redis) });
  const [start, before, own] = [performance.now(), cpu(), process.cpuUsage()];
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const [elapsed, after, ownUsed] = [(performance.now() - start) / 1000, cpu(), process.cpuUsage(own)];
  for (const ws of all) ws.terminate();
  const rate = acked / elapsed;
  const used = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? null : b - a;
  const seconds3 = {
    publisher: (ownUsed.user + ownUsed.system) / 1e6,
    server: used(before.server, after.server) ?? Number.NaN,
    redis: used(before.redis, after.redis),
  };
  const percent = (s: number | null) => (s === null ? null : (100 * s) / elapsed);
  const perPublish = (s: number | null) => (s === null ? null : (1e6 * s) / Math.max(1, acked));
  const publisherPercent = percent(seconds3.publisher) as number;
  return {
    rate,
    refused,
    firstRefusal,
    cpuPercent: {
      publisher: publisherPercent,
      server: percent(seconds3.server) as number,
      redis: percent(seconds3.redis),
    },
    cpuPerPublishUs: {
      publisher: perPublish(seconds3.publisher) as number,
      server: perPublish(seconds3.server) as number,
      redis: perPublish(seconds3.redis),
    },
    clientBound: publisherPercent >= CLIENT_BOUND_PERCENT,
  };
}

/** The median of `xs` (not empty): the idle cells' {@link spread}'s. */
const median = (xs: number[]) => spread(xs)?.median ?? Number.NaN;
/** The median of the known values, or null. */
export const medianOrNull = (xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : median(known);
};
/** One publish sample: its rate, marked where the publishers, not the server, set the pace. */
const rateText = (r: PublishRate) =>
  `${r.rate.toFixed(0)}${r.clientBound ? " (client-bound)" : ""}${r.refused > 0 ? ` (${r.refused} refused: ${r.firstRefusal})` : ""}`;
/** The samples a median is taken of: those with no refused publish, if there are any. */
const clean = (rs: PublishRate[]) =>
  rs.some((r) => r.refused === 0) ? rs.filter((r) => r.refused === 0) : rs;
/** Median CPU µs per publish of the samples: publishers / server / Redis. */
const cpuText = (rs: PublishRate[]) => {
  const m = (f: (r: PublishRate) => number | null) => medianOrNull(rs.map(f));
  const us = (x: number | null) => (x === null ? "–" : x.toFixed(0));
  return `${us(m((r) => r.cpuPerPublishUs.publisher))} / ${us(m((r) => r.cpuPerPublishUs.server))} / ${us(m((r) => r.cpuPerPublishUs.redis))}`;
};

/** One shape of publishers, measured in memory and through Redis. */
export interface PublishComparison {
  readonly sockets: number;
  readonly window: number;
  readonly memory: PublishRate[];
  readonly redis: PublishRate[];
}

/**
 * {@link publishRate} for each `[sockets, window]` shape, `samples` times, on a fresh server
 * each time, in memory and through Redis by turns (so both see the same machine).
 */
export async function comparePublishRates(
  start: (redis: boolean) => Promise<Target>,
  redisPid: number | undefined,
  shapes: readonly (readonly [number, number])[],
  samples: number,
  seconds: number,
): Promise<PublishComparison[]> {
  const out: PublishComparison[] = [];
  for (const [sockets, window] of shapes) {
    const c: PublishComparison = { sockets, window, memory: [], redis: [] };
    for (let i = 0; i < samples; i++) {
      for (const redis of [false, true]) {
        const target = await start(redis);
        const pids = { server: target.pid, redis: redis ? redisPid : undefined };
        const rate = await publishRate(target.base, pids, sockets, window, seconds).finally(() =>
          target.stop(),
        );
        (redis ? c.redis : c.memory).push(rate);
      }
    }
    out.push(c);
  }
  return out;
}

/** The report rows of one comparison: median rate and ratio, each sample, CPU per publish. */
export function publishRows(c: PublishComparison): string[][] {
  const [memory, redis] = [c.memory, c.redis].map((rs) => median(clean(rs).map((r) => r.rate))) as [
    number,
    number,
  ];
  const n = c.memory.length;
  const refusals = [...c.memory, ...c.redis].some((r) => r.refused > 0);
  const of = refusals ? ", median of the samples with nothing refused" : n > 1 ? `, median of ${n}` : "";
  return [
    [
      `publishes/s, one channel, ${c.sockets} WS × ${c.window} in flight (fan-out ${c.sockets})${of}`,
      memory.toFixed(0),
      redis.toFixed(0),
      (redis / memory).toFixed(2),
    ],
    ["  each sample", c.memory.map(rateText).join(" "), c.redis.map(rateText).join(" "), ""],
    ["  CPU µs per publish: publishers / server / Redis", cpuText(c.memory), cpuText(c.redis), ""],
  ];
}
