import { createClient, type RedisClientType } from "redis";
import { instanceChannel } from "./keys.ts";
import { type CommandSender, type LuaScript, runScript } from "./run-script.ts";

/** How often the health probe goes round through Redis pub/sub, and how stale it may get. */
const PROBE_MS = 1000;
const PROBE_STALE_MS = 3000;
/** A server that cannot reach Redis within this long at start gives up. */
const START_TIMEOUT_MS = 5000;

/** The two connections of an instance to Redis and whether messages get through them. */
export interface RedisConnection {
  /** Commands and scripts. Refuses commands while disconnected (no offline queue): a publish fails at once. */
  readonly commands: RedisClientType;
  /** Pub/sub only (a subscribed connection takes no other commands); resubscribes by itself after a reconnect. */
  readonly subscriber: RedisClientType;
  run(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  /** `fn` runs each time both connections are (back) up, subscriptions restored. */
  onReady(fn: () => void | Promise<void>): void;
  /** `fn` runs when a connection to Redis is lost. */
  onLost(fn: () => void): void;
  /** True while a probe published through Redis came back within the last few seconds. */
  delivering(): { ok: true } | { ok: false; reason: string };
  close(): Promise<void>;
}

/** Reconnects quickly (Redis back within a second or so is noticed within a second or so). */
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 1000);

/** Connects both clients to `url`; resolves once both are ready (rejects when Redis cannot be reached). */
export async function connectRedis(url: string, instanceId: string): Promise<RedisConnection> {
  const commands: RedisClientType = createClient({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy, connectTimeout: 2000 },
  });
  // The subscriber queues its (re)subscriptions while offline: they must reach Redis when it is back.
  const subscriber: RedisClientType = commands.duplicate({ disableOfflineQueue: false });
  const readyFns: (() => void | Promise<void>)[] = [];
  const lostFns: (() => void)[] = [];
  let lastError = "connecting";
  let lastProbe = 0;
  let probeTimer: NodeJS.Timeout | undefined;
  const up = { commands: false, subscriber: false };
  const lost = (which: keyof typeof up) => (err: Error) => {
    lastError = `${which}: ${err.message}`;
    if (!up[which]) return;
    up[which] = false;
    for (const fn of lostFns) fn();
  };
  const ready = (which: keyof typeof up) => () => {
    const wasUp = up.commands && up.subscriber;
    up[which] = true;
    if (wasUp || !(up.commands && up.subscriber)) return;
    for (const fn of readyFns) {
      Promise.resolve()
        .then(fn)
        .catch((err: unknown) => console.error("[redis] after reconnect:", err));
    }
  };
  commands.on("error", lost("commands")).on("ready", ready("commands"));
  subscriber.on("error", lost("subscriber")).on("ready", ready("subscriber"));
  // node-redis keeps retrying a first connect; a server that cannot reach Redis at start should say so.
  let startTimer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    startTimer = setTimeout(() => {
      commands.destroy();
      subscriber.destroy();
      reject(new Error(`cannot reach Redis at ${url} within ${START_TIMEOUT_MS} ms (${lastError})`));
    }, START_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all([commands.connect(), subscriber.connect()]), gaveUp]);
  } finally {
    clearTimeout(startTimer);
  }
  await subscriber.subscribe(instanceChannel(instanceId), (message) => {
    if (message.startsWith("probe ")) lastProbe = performance.now();
  });
  const probe = () => {
    commands.publish(instanceChannel(instanceId), `probe ${Date.now()}`).catch(() => {});
  };
  probe();
  probeTimer = setInterval(probe, PROBE_MS);
  probeTimer.unref();
  const sender = commands as unknown as CommandSender;
  return {
    commands,
    subscriber,
    run: (script, keys, args) => runScript(sender, script, keys, args),
    onReady(fn) {
      readyFns.push(fn);
    },
    onLost(fn) {
      lostFns.push(fn);
    },
    delivering() {
      const age = performance.now() - lastProbe;
      if (up.commands && up.subscriber && age < PROBE_STALE_MS) return { ok: true };
      const since = lastProbe === 0 ? "never" : `${Math.round(age)} ms ago`;
      return { ok: false, reason: `no message came back through Redis since ${since} (${lastError})` };
    },
    async close() {
      clearInterval(probeTimer);
      probeTimer = undefined;
      for (const client of [subscriber, commands]) {
        if (client.isOpen) client.destroy();
      }
    },
  };
}
