import { randomBytes } from "node:crypto";
import type { GeneratorState } from "@transport-lab/protocol";
import type { ChannelGenerator } from "../channel.ts";
import type { PublishGenerated } from "../cluster.ts";
import { createGenerator } from "../generator.ts";
import { GENERATOR_RENEW_LUA, GENERATOR_SET_LUA } from "./cluster-scripts.ts";
import { channelKeys, REGISTRY_KEYS } from "./keys.ts";
import { LeaseLost } from "./redis-channel-log.ts";
import type { RedisConnection } from "./redis-connection.ts";
import { luaScript } from "./run-script.ts";

const SET = luaScript(GENERATOR_SET_LUA);
const RENEW = luaScript(GENERATOR_RENEW_LUA);

/** A generator lease lasts this long unless renewed; renewed every {@link RENEW_MS}. */
export const LEASE_MS = 3000;
const RENEW_MS = 1000;
/** Generated messages held while a batch is on its way to Redis; past it the oldest are dropped. */
const MAX_HELD = 500;

/** A generator run by whichever instance holds its lease in Redis. */
export interface LeasedGenerator extends ChannelGenerator {
  /** Runs the generator here under `lease` (taken over from an instance that died), from `elapsedMs` into its run. */
  resume(rate: number, payloadBytes: number, elapsedMs: number, lease: string): void;
  /** True while this instance holds the lease and runs the generator. */
  readonly leased: boolean;
}

/** Options of {@link createLeasedGenerator}. */
export interface LeasedGeneratorOptions {
  channel: string;
  connection: RedisConnection;
  instanceId: string;
  idleMs: number;
  /** A client uses the channel on this instance or on another one. */
  hasClients: () => boolean;
  publish: PublishGenerated;
}

/** A fresh lease token. */
export const newLease = () => randomBytes(9).toString("base64url");

/**
 * One channel's generator shared by every instance. Its settings and lease are in the
 * channel's generator hash: setting it takes the lease (a run started anywhere stops the one
 * running elsewhere), the holder renews it every second, and each generated message is appended
 * only while its lease holds (the append script checks), so exactly one instance generates.
 * When the holder dies, another instance claims the expired lease (`redis-cluster.ts`) and
 * goes on with the same schedule: tick n stays due at the run's start + n/rate.
 */
export function createLeasedGenerator(opts: LeasedGeneratorOptions): LeasedGenerator {
  const { channel, connection } = opts;
  const key = channelKeys(channel).generator;
  let lease: string | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  /** A set() is under way: the channel counts as used meanwhile. */
  let pending = false;
  /** Appends sent and not yet answered, and the messages generated meanwhile. */
  let inFlight = 0;
  let waiting: string[] = [];
  let flushing = false;

  const stopRenewing = () => {
    clearInterval(renewTimer);
    renewTimer = undefined;
  };
  const lost = () => {
    lease = undefined;
    waiting = [];
    stopRenewing();
    inner.stop();
  };
  /** Sends what is held as one pipelined batch; the next one goes once all of it is answered. */
  const flush = () => {
    flushing = false;
    const token = lease;
    const batch = waiting;
    waiting = [];
    if (token === undefined) return;
    inFlight += batch.length;
    for (const dataJson of batch) {
      opts
        .publish(dataJson, token)
        .catch((err: unknown) => {
          if (err instanceof LeaseLost) lost();
          else
            console.error(`[${channel}] generated message lost:`, err instanceof Error ? err.message : err);
        })
        .finally(() => {
          inFlight -= 1;
          if (inFlight === 0 && waiting.length > 0) flush();
        });
    }
  };
  const inner = createGenerator({
    channel,
    hasClients: opts.hasClients,
    idleMs: opts.idleMs,
    // One batch in flight at a time: what the generator makes meanwhile waits for its answers
    // and goes as the next batch, pipelined. Sent unanswered, appends would pile up behind a
    // busy event loop or a stalled Redis, each stamped long before it can be delivered, and fail
    // at the command deadline; held, they are late against the schedule only, as the in-memory
    // generator is when its timer fires late, and dropped past the same catch-up bound.
    publish: (dataJson) => {
      if (lease === undefined) return;
      if (waiting.length >= MAX_HELD) waiting.shift();
      waiting.push(dataJson);
      // The messages of one timer run go together, sent once the run is over.
      if (inFlight === 0 && !flushing) {
        flushing = true;
        queueMicrotask(flush);
      }
    },
  });
  const renew = () => {
    const token = lease;
    if (token === undefined) return stopRenewing();
    // Stopped for want of clients: the generator ends everywhere, nobody takes it over.
    const drop = !inner.state().running;
    connection.run(RENEW, [key], [token, String(LEASE_MS), drop ? "1" : "0"]).then(
      (held) => {
        if (drop || held === 0) lost();
      },
      () => {}, // Redis unreachable: try again next time; the lease may run out meanwhile
    );
  };
  const hold = (token: string) => {
    lease = token;
    stopRenewing();
    renewTimer = setInterval(renew, RENEW_MS);
    renewTimer.unref();
  };

  return {
    async set(rate, payloadBytes) {
      const token = newLease();
      pending = true;
      try {
        await connection.run(
          SET,
          [key],
          [String(rate), String(payloadBytes), opts.instanceId, token, String(LEASE_MS)],
        );
        if (rate <= 0) {
          lost();
          inner.set(0, payloadBytes);
          return;
        }
        await connection.commands.sAdd(REGISTRY_KEYS.generators, channel);
        hold(token);
        inner.set(rate, payloadBytes);
      } finally {
        pending = false;
      }
    },
    resume(rate, payloadBytes, elapsedMs, token) {
      hold(token);
      inner.set(rate, payloadBytes, elapsedMs);
    },
    stop() {
      const token = lease;
      lost();
      // Let the lease run out now, so that another instance takes over within a second.
      if (token !== undefined) connection.run(RENEW, [key], [token, "-1", "0"]).catch(() => {});
    },
    state(): GeneratorState {
      const s = inner.state();
      return pending ? { ...s, running: true } : s;
    },
    get leased() {
      return lease !== undefined;
    },
  };
}
